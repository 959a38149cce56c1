import mqtt, { type MqttClient } from 'mqtt'
import { randomUUID } from 'node:crypto'

export interface EventuallyOptions {
  timeoutMs?: number
  intervalMs?: number
}

/**
 * Runs `check` until it stops throwing; after the timeout, throws what it
 * last threw. For outcomes that arrive asynchronously (a batch applied).
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 5000, intervalMs = 25 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs

  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await sleep(intervalMs)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * The retained message on `topic` as a fresh subscriber sees it, or null
 * when none arrives within `timeoutMs`.
 */
export async function readRetained(
  url: string,
  topic: string,
  timeoutMs = 1000,
): Promise<string | null> {
  const client = await mqtt.connectAsync(url, {
    clientId: `e2e-reader-${randomUUID()}`,
    reconnectPeriod: 0,
  })

  try {
    const message = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs)
      client.on('message', (received, payload, packet) => {
        if (received !== topic || !packet.retain) return
        clearTimeout(timer)
        resolve(payload.toString('utf8'))
      })
    })
    await client.subscribeAsync(topic, { qos: 1 })
    return await message
  } finally {
    await client.endAsync()
  }
}

/** Every payload seen on one topic since `watch` began, in order. */
export interface TopicLog {
  messages: string[]
  /** Resolves when a payload equal to `value` arrives after index `from`. */
  next(value: string, from: number, timeoutMs?: number): Promise<void>
}

export async function watchTopic(client: MqttClient, topic: string): Promise<TopicLog> {
  const messages: string[] = []
  client.on('message', (received, payload) => {
    if (received === topic) messages.push(payload.toString('utf8'))
  })
  await client.subscribeAsync(topic, { qos: 1 })

  return {
    messages,
    next: (value, from, timeoutMs = 10_000) =>
      eventually(
        () => {
          if (!messages.slice(from).includes(value)) {
            throw new Error(
              `no "${value}" on ${topic} after ${from}: ${messages.join(', ')}`,
            )
          }
        },
        { timeoutMs },
      ),
  }
}
