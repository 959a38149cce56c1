import { randomBytes } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { CAMERAS, DATASET_END, PEOPLE, eventId } from './events-dataset.js'

export { seeded } from './events-dataset.js'

/** The answer envelope, as far as the bench reads it. */
export interface Reply {
  status: 'ok' | 'error'
  error: { code: string; message: string } | null
}

/** One kind of request the bench times, with a body drawn afresh each time. */
export interface QueryCase {
  name: string
  op: string
  body: (random: () => number) => Record<string, unknown>
}

const DAY = 86_400
const SEARCH_WORDS = ['parcel', 'hoodie', 'bicycle', 'umbrella', 'courier', 'driveway']

/** The rows of the table, for a dataset of `count` events. */
export function queryCases(count: number): QueryCase[] {
  const camera = (random: () => number): string =>
    CAMERAS[Math.floor(random() * CAMERAS.length)]?.[0] ?? 'front_door'

  return [
    {
      name: 'page of 50: 2 cameras, person+car, last 7 days',
      op: 'events/query',
      body: (random) => ({
        cameras: [camera(random), camera(random)],
        labels: ['person', 'car'],
        after: DATASET_END - Math.ceil(1 + random() * 6) * DAY,
        limit: 50,
      }),
    },
    {
      name: 'page of 50: one person, last 30 days',
      op: 'events/query',
      body: (random) => ({
        persons: [PEOPLE[Math.floor(random() * PEOPLE.length)] ?? 'alice'],
        after: DATASET_END - 30 * DAY,
        limit: 50,
      }),
    },
    {
      name: 'text search (q), page of 50',
      op: 'events/query',
      body: (random) => ({
        q: SEARCH_WORDS[Math.floor(random() * SEARCH_WORDS.length)],
        limit: 50,
      }),
    },
    {
      name: 'events/get of a random id',
      op: 'events/get',
      body: (random) => ({ id: eventId(Math.floor(random() * count), count) }),
    },
    {
      name: 'events/stats, 24 hours',
      op: 'events/stats',
      body: () => ({ after: DATASET_END - DAY, before: DATASET_END }),
    },
    {
      name: 'events/stats, 30 days',
      op: 'events/stats',
      body: () => ({ after: DATASET_END - 30 * DAY, before: DATASET_END }),
    },
  ]
}

/**
 * One MQTT client asking `<base>/request/<op>` and matching answers on
 * `<base>/response/#` by `transaction`, so several requests may be in flight.
 */
export class Requester {
  readonly #client: MqttClient
  readonly #base: string
  readonly #responseTopic: string | undefined
  readonly #pending = new Map<string, (reply: Reply) => void>()
  #next = 0

  private constructor(client: MqttClient, base: string, responseTopic?: string) {
    this.#client = client
    this.#base = base
    this.#responseTopic = responseTopic
    client.on('message', (_topic, payload) => {
      const reply = JSON.parse(payload.toString()) as Reply & { transaction?: string }
      const settle = this.#pending.get(String(reply.transaction))
      this.#pending.delete(String(reply.transaction))
      settle?.(reply)
    })
  }

  /**
   * `ownTopic`: answers come on a Response Topic of this client's own (MQTT
   * 5), so fifty clients do not each receive all fifty clients' answers.
   */
  static async connect(url: string, base: string, ownTopic = false): Promise<Requester> {
    const clientId = `bench-q-${randomBytes(5).toString('hex')}`
    const client = await mqtt.connectAsync(url, {
      clean: true,
      reconnectPeriod: 0,
      clientId,
      protocolVersion: ownTopic ? 5 : 4,
    })
    // Without it, Nagle's algorithm holds a request behind the PUBACK of the
    // previous answer until the broker's delayed ACK (~40 ms on Linux).
    ;(client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
    const responseTopic = ownTopic ? `${base}/response/${clientId}` : undefined
    await client.subscribeAsync(responseTopic ?? `${base}/response/#`, { qos: 1 })

    return new Requester(client, base, responseTopic)
  }

  /** Resolves with the reply and the round trip in milliseconds. */
  ask(
    op: string,
    body: Record<string, unknown>,
    timeoutMs = 30_000,
  ): Promise<{ reply: Reply; ms: number }> {
    const transaction = `t${this.#next++}`
    const started = performance.now()

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction)
        reject(new Error(`no answer to ${op} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(transaction, (reply) => {
        clearTimeout(timer)
        resolve({ reply, ms: performance.now() - started })
      })
      const payload = JSON.stringify({ ...body, transaction })
      const properties = this.#responseTopic
        ? { responseTopic: this.#responseTopic }
        : undefined
      this.#client.publish(`${this.#base}/request/${op}`, payload, { qos: 1, properties })
    })
  }

  close(): Promise<void> {
    return this.#client.endAsync()
  }
}

/**
 * Why a row cannot be measured on this build, or null when it can: an op the
 * router does not serve, or a field its schema refuses (a filter not built yet).
 */
export function unavailable(reply: Reply): string | null {
  if (reply.status === 'ok') return null
  const code = reply.error?.code ?? 'error'
  if (code === 'UNKNOWN_OP') return 'not available (UNKNOWN_OP)'
  if (code === 'INVALID_REQUEST') return `not available (${reply.error?.message ?? code})`

  return null
}
