import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { randomUUID } from 'node:crypto'

export async function connectClient(
  url: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    clientId: `test-${randomUUID()}`,
    ...options,
  })
}

export interface ResponseEnvelope {
  status: 'ok' | 'error'
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response data freely
  data: any
  error: { code: string; message: string; field?: string } | null
  transaction?: string | number
}

/**
 * Sends <base>/request/<op> and resolves with the response whose transaction
 * matches, so concurrent requests on one client do not mix.
 */
export async function request(
  client: MqttClient,
  op: string,
  body: Record<string, unknown> | string = {},
  { base = 'doorbell-storage', timeoutMs = 5000 } = {},
): Promise<ResponseEnvelope> {
  const transaction = randomUUID()
  const topic = `${base}/response/${op}`
  const payload =
    typeof body === 'string' ? body : JSON.stringify({ ...body, transaction })

  await client.subscribeAsync(topic, { qos: 1 })

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener('message', onMessage)
      reject(new Error(`no response to ${op} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (received: string, message: Buffer): void => {
      if (received !== topic) return
      const envelope = JSON.parse(message.toString()) as ResponseEnvelope
      if (typeof body !== 'string' && envelope.transaction !== transaction) return
      clearTimeout(timer)
      client.removeListener('message', onMessage)
      resolve(envelope)
    }
    client.on('message', onMessage)
    client.publish(`${base}/request/${op}`, payload, { qos: 1 })
  })
}
