import type { StreamKind } from './streams.js'

export interface TopicSettings {
  baseTopic: string
  frigatePrefix: string
  watchBrokerDrops: boolean
}

export const BROKER_STATS = ['dropped_total', 'dropped_1min'] as const
export type BrokerStat = (typeof BROKER_STATS)[number]

export type Route =
  | { kind: 'stream'; stream: StreamKind }
  | { kind: 'request'; op: string }
  /** <base>/ingest/face: enrolled directly, not through the inbox. */
  | { kind: 'face' }
  | { kind: 'broker-stat'; stat: BrokerStat }
  | { kind: 'unknown-ingest' }
  | { kind: 'ignore' }

export interface Subscription {
  topic: string
  qos: 0 | 1
}

// Mosquitto's counters of messages it dropped, e.g. for a full subscriber queue.
const SYS_TOPICS: Record<string, BrokerStat> = {
  '$SYS/broker/publish/messages/dropped': 'dropped_total',
  '$SYS/broker/load/publish/dropped/1min': 'dropped_1min',
}

/** Which part of the service a topic belongs to, and what to subscribe to. */
export class TopicRouter {
  readonly #settings: TopicSettings
  readonly #streams: Map<string, StreamKind>
  readonly #requestPrefix: string
  readonly #ingestPrefix: string
  readonly #faceTopic: string

  constructor(settings: TopicSettings) {
    this.#settings = settings
    this.#requestPrefix = `${settings.baseTopic}/request/`
    this.#ingestPrefix = `${settings.baseTopic}/ingest/`
    this.#faceTopic = `${this.#ingestPrefix}face`
    this.#streams = new Map<string, StreamKind>([
      [`${settings.frigatePrefix}/events`, 'frigate-event'],
      [`${settings.frigatePrefix}/reviews`, 'frigate-review'],
      [`${settings.frigatePrefix}/tracked_object_update`, 'frigate-object-update'],
      [`${this.#ingestPrefix}event`, 'native-event'],
    ])
  }

  route(topic: string): Route {
    const stream = this.#streams.get(topic)
    if (stream) return { kind: 'stream', stream }
    if (topic === this.#faceTopic) return { kind: 'face' }

    if (topic.startsWith(this.#requestPrefix)) {
      return { kind: 'request', op: topic.slice(this.#requestPrefix.length) }
    }
    if (topic.startsWith(this.#ingestPrefix)) return { kind: 'unknown-ingest' }

    const stat = SYS_TOPICS[topic]
    if (stat) return { kind: 'broker-stat', stat }

    return { kind: 'ignore' }
  }

  /**
   * Ingest topics at QoS 1, so the broker queues them while the service is
   * away, and the broker's drop counters when watched.
   */
  ingestSubscriptions(): Subscription[] {
    const { frigatePrefix, watchBrokerDrops } = this.#settings
    const subs: Subscription[] = [
      { topic: `${frigatePrefix}/events`, qos: 1 },
      { topic: `${frigatePrefix}/reviews`, qos: 1 },
      { topic: `${frigatePrefix}/tracked_object_update`, qos: 1 },
      { topic: `${this.#ingestPrefix}#`, qos: 1 },
    ]
    if (watchBrokerDrops) {
      subs.push(...Object.keys(SYS_TOPICS).map((topic) => ({ topic, qos: 0 as const })))
    }

    return subs
  }

  /**
   * The requests connection's topics: requests at QoS 0 (an answer to a
   * request asked while away helps no one) and face enrolments at QoS 1.
   * Enrolments are committed before their PUBACK, and a client that enrols
   * and then asks expects the answer to know the face: on one connection the
   * two stay in order. (The ingest connection's wildcard sees them too and
   * leaves them to this one.)
   */
  requestSubscriptions(): Subscription[] {
    return [
      { topic: `${this.#ingestPrefix}face`, qos: 1 },
      { topic: `${this.#requestPrefix}#`, qos: 0 },
    ]
  }
}
