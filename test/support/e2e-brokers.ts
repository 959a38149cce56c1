import { randomBytes } from 'node:crypto'
import mqtt from 'mqtt'
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js'
import { TEST_MQTT_URL, mosquittoProblem, requireService } from './services.js'

/** aedes in this process (MQTT 3.1.1), and the local Mosquitto (MQTT 5). */
export const E2E_BROKERS = ['aedes', 'mosquitto'] as const
export type E2eBrokerName = (typeof E2E_BROKERS)[number]

export interface E2eBroker {
  name: E2eBrokerName
  url: string
  stop(): Promise<void>
}

/**
 * In a `before` hook: an aedes broker on a free port, or the shared local
 * Mosquitto (the suite skips, or fails in CI, when it is away).
 */
export async function openBroker(
  context: Mocha.Context,
  name: E2eBrokerName,
): Promise<E2eBroker> {
  if (name === 'mosquitto') {
    await requireService(context, mosquittoProblem())
    return { name, url: TEST_MQTT_URL, stop: () => Promise.resolve() }
  }

  const broker = new EmbeddedBroker({ port: 0, host: '127.0.0.1' })
  await broker.start()

  return { name, url: `mqtt://127.0.0.1:${broker.port}`, stop: () => broker.stop() }
}

/** Topics and client id of one test, so tests on a shared broker never meet. */
export interface E2eNames {
  baseTopic: string
  frigatePrefix: string
  clientId: string
}

export function e2eNames(): E2eNames {
  const id = randomBytes(5).toString('hex')

  return {
    baseTopic: `e2e-${id}/doorbell`,
    frigatePrefix: `e2e-${id}/frigate`,
    clientId: `e2e-${id}`,
  }
}

/**
 * Leaves nothing behind on a shared broker: drops the service's persistent
 * session (clean start, no expiry) and its retained availability.
 */
export async function forgetService(broker: E2eBroker, names: E2eNames): Promise<void> {
  // aedes keeps everything in memory and goes with its suite.
  if (broker.name === 'aedes') return

  const client = await mqtt.connectAsync(broker.url, {
    clientId: names.clientId,
    clean: true,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 0 },
    reconnectPeriod: 0,
  })

  await client.publishAsync(`${names.baseTopic}/available`, '', { qos: 1, retain: true })
  await client.endAsync()
}
