import pg from 'pg'
import { isListening } from '../../src/mqtt/broker-probe.js'

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883'

/** Set by .ci/run: a service that cannot be reached fails the run instead of skipping. */
export const REQUIRE_SERVICES = process.env.DOORBELL_TEST_REQUIRE_SERVICES === '1'

let postgres: Promise<string | null> | undefined
let mosquitto: Promise<string | null> | undefined

/** Null when PostgreSQL answers, else why it does not. */
export function postgresProblem(): Promise<string | null> {
  postgres ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    try {
      await client.connect()
      await client.query('SELECT 1')
      return null
    } catch (error) {
      return `PostgreSQL not reachable at ${TEST_DATABASE_URL}: ${(error as Error).message}`
    } finally {
      await client.end().catch(() => undefined)
    }
  })()

  return postgres
}

/** Null when an MQTT broker listens at TEST_MQTT_URL, else why not. */
export function mosquittoProblem(): Promise<string | null> {
  mosquitto ??= (async () => {
    const url = new URL(TEST_MQTT_URL)
    const open = await isListening(url.hostname, Number(url.port || 1883))
    return open ? null : `no MQTT broker at ${TEST_MQTT_URL}`
  })()

  return mosquitto
}

const announced = new Set<string>()

/**
 * In a `before` hook: skips the suite, saying why, when the service is away;
 * fails it instead when services are required.
 */
export async function requireService(
  context: Mocha.Context,
  problem: Promise<string | null>,
): Promise<void> {
  const reason = await problem
  if (reason === null) return
  if (REQUIRE_SERVICES) throw new Error(`${reason} (DOORBELL_TEST_REQUIRE_SERVICES=1)`)

  if (!announced.has(reason)) {
    announced.add(reason)
    console.log(`      skipped: ${reason}`)
  }
  context.skip()
}
