// Generated from schemas/config.schema.json by `npm run gen:types`.
// Do not edit by hand.

/**
 * Configuration of doorbell-storage. Every key has a default; a file given with --config and DOORBELL_STORAGE_* environment variables override it.
 */
export interface DoorbellStorageConfig {
  mqtt: {
    /**
     * Broker to connect to. Null: connect to mqtt://localhost:<embeddedPort> if a broker listens there, otherwise start the embedded broker on that port.
     */
    url: string | null
    /**
     * Port checked, and bound by the embedded broker, when url is null.
     */
    embeddedPort: number
    username?: string
    password?: string
    /**
     * Client id. Keep it stable: the broker keeps the persistent session under it. Requests use a second connection with this id and the suffix -requests.
     */
    clientId: string
    /**
     * Prefix of the service's own topics.
     */
    baseTopic: string
    /**
     * Topic prefix Frigate publishes under.
     */
    frigatePrefix: string
    /**
     * MQTT protocol version; 5 falls back to 3.1.1 when the broker refuses it.
     */
    protocolVersion: 4 | 5
    /**
     * How long the broker keeps the session and queues messages while the service is away (MQTT 5).
     */
    sessionExpirySeconds: number
    keepaliveSeconds: number
    /**
     * How long startup waits for the first connection before giving up.
     */
    connectTimeoutMs: number
    /**
     * MQTT 5 Response Topics are honoured only under these prefixes (and always under <baseTopic>/response/).
     */
    responseTopicPrefixes: string[]
    /**
     * Subscribe to the broker's $SYS drop counters and report them in health.
     */
    watchBrokerDrops: boolean
  }
  storage: {
    /**
     * A SQLite file path (or sqlite:path) or a postgres:// URL.
     */
    url: string
    /**
     * PostgreSQL schema holding the tables; created if missing.
     */
    schema: string
    /**
     * SQLite only: threads that run queries, each with its own read connection, so a slow query never stalls ingest. 0 runs queries on the main thread.
     */
    readThreads: number
    /**
     * PostgreSQL connection pool size.
     */
    poolSize: number
  }
  ingest: {
    /**
     * Apply a batch once this many messages wait in the inbox.
     */
    batchSize: number
    /**
     * Apply whatever waits after this many milliseconds.
     */
    flushIntervalMs: number
    /**
     * Larger payloads go to dead letters, truncated.
     */
    maxPayloadBytes: number
    /**
     * The durable local inbox (SQLite, WAL).
     */
    inboxPath: string
    /**
     * Past this many unapplied messages the service stops acknowledging; the broker holds the rest.
     */
    inboxMaxPending: number
    /**
     * Longest wait between retries while the database is unreachable.
     */
    retryMaxMs: number
  }
  events: {
    /**
     * Lowest score of a Frigate face result that names the event's person (a name other than unknown). Applies to results stored from then on.
     */
    faceMinScore: number
  }
  api: {
    defaultLimit: number
    maxLimit: number
  }
  faces: {
    /**
     * How many persons faces/search returns when the request has no top_k.
     */
    topK: number
    /**
     * The face models whose encodings are stored and searched: name and version as the recogniser sends them, encoding length (dim), metric and the default threshold (largest distance that still matches). Encodings of a model not listed are refused.
     */
    models: {
      name: string
      version: string
      dim: number
      metric: 'euclidean' | 'cosine'
      threshold: number
    }[]
  }
  /**
   * What is deleted, and when: rows older than the given number of days (fractions allowed; null keeps them forever). Deleting an event also deletes its zones, results, timeline and stages, and takes it out of the statistics exactly.
   */
  retention: {
    /**
     * Minutes between runs; the first run starts a few seconds after the service.
     */
    intervalMinutes: number
    /**
     * Most rows deleted in one transaction; ingest writes go between them.
     */
    batchSize: number
    events: {
      /**
       * Keep events this many days after they started, on cameras without their own setting. Null: forever.
       */
      days: number | null
      /**
       * Days per camera, over events.days; null keeps that camera's events forever. E.g. {front_door: 90, garden: 7}.
       */
      cameras: {
        [k: string]: number | null
      }
    }
    reviews: {
      /**
       * Keep review items this many days after they started. Null: forever.
       */
      days: number | null
    }
    deadLetters: {
      /**
       * Keep dead letters this many days after they were received. Null: forever.
       */
      days: number | null
    }
    audit: {
      /**
       * Keep the audit trail of face database changes this many days. Null: forever.
       */
      days: number | null
    }
  }
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  }
}
