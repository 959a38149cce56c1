import type { IPublishPacket } from 'mqtt'
import { RequestRouter } from '../api/request-router.js'
import type { Config } from '../config/load-config.js'
import { errorMessage } from '../errors.js'
import { FaceDirectory } from '../faces/face-directory.js'
import { FaceIndex } from '../faces/face-index.js'
import { FaceModels } from '../faces/face-models.js'
import { toWireBlacklistAlert } from '../faces/face-wire.js'
import { loadFaceKernel } from '../faces/load-face-kernel.js'
import { Applier } from '../ingest/applier.js'
import { EventLoopTurns } from '../ingest/event-loop-turns.js'
import { DirectBatchWriter, type BatchWriter } from '../ingest/batch-writer.js'
import { FaceIngest } from '../ingest/face-ingest.js'
import { WorkerBatchWriter } from '../ingest/worker-batch-writer.js'
import { Inbox, type InboxEntry } from '../ingest/inbox.js'
import { IngestHandler } from '../ingest/ingest-handler.js'
import { TopicRouter } from '../ingest/topic-router.js'
import type { Logger } from '../log/logger.js'
import { emptyBrokerStats, recordBrokerStat } from '../mqtt/broker-stats.js'
import { MqttService } from '../mqtt/mqtt-service.js'
import { ResponsePublisher } from '../mqtt/response-publisher.js'
import { Retention } from '../ops/retention.js'
import type { Engine } from '../storage/engine.js'
import { openEngine } from '../storage/open-engine.js'
import {
  createRepositories,
  type Repositories,
} from '../storage/repositories/repositories.js'
import { SchemaRegistry } from '../validation/schema-registry.js'
import { requestHandlers } from './request-handlers.js'
import { resolveBroker } from './resolve-broker.js'

export interface AppOptions {
  config: Config
  logger: Logger
  /** After each batch the database committed; for benchmarks and tests. */
  onApplied?: (entries: readonly InboxEntry[]) => void
}

const APPEND_RETRY_MS = 1000

/**
 * The composition root: builds every part from the configuration, starts them
 * in order (database, inbox, applier, retention, broker, MQTT) and stops them
 * in reverse.
 */
export class App {
  readonly #options: AppOptions
  readonly #stops: (() => Promise<void> | void)[] = []
  // Ingest lets requests in at least every 2 ms (see EventLoopTurns).
  readonly #turns = new EventLoopTurns(2)
  #engine: Engine | undefined

  constructor(options: AppOptions) {
    this.#options = options
  }

  get engine(): Engine {
    if (!this.#engine) throw new Error('app is not started')
    return this.#engine
  }

  async start(): Promise<void> {
    try {
      await this.#start()
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  async stop(): Promise<void> {
    while (this.#stops.length > 0) {
      const stop = this.#stops.pop()
      try {
        await stop?.()
      } catch (error) {
        this.#options.logger.warn({ err: errorMessage(error) }, 'error while stopping')
      }
    }
  }

  async #start(): Promise<void> {
    const { config, logger } = this.#options
    const startedAt = Date.now()
    const schemas = new SchemaRegistry()

    const engine = openEngine(config.storage)
    await engine.start()
    this.#engine = engine
    this.#stops.push(() => engine.stop())
    const migrations = await engine.migrator.up()
    const kind = engine.capabilities.kind
    if (migrations.ran.length > 0)
      logger.info({ ran: migrations.ran, engine: kind }, 'migrated')
    const repos = createRepositories(engine, config.events)
    const faces = await this.#startFaces(engine, repos)

    const inbox = new Inbox(config.ingest.inboxPath)
    inbox.start()
    this.#stops.push(() => inbox.stop())

    const writer = await this.#batchWriter(engine, repos)
    const applier = new Applier({
      inbox,
      writer,
      batchSize: config.ingest.batchSize,
      flushIntervalMs: config.ingest.flushIntervalMs,
      retryMaxMs: config.ingest.retryMaxMs,
      maxPending: config.ingest.inboxMaxPending,
      logger: logger.child({ module: 'applier' }),
      onApplied: this.#options.onApplied,
    })
    await applier.start()
    this.#stops.push(() => applier.stop())

    // Deletes through the applier's writer, so chunks take turns with batches.
    const retention = new Retention({
      settings: config.retention,
      prune: (request) => writer.prune(request),
      cameras: (before) => repos.retention.camerasBefore(before),
      isOutage: (error) => engine.isOutage(error),
      logger: logger.child({ module: 'retention' }),
    })
    retention.start()
    this.#stops.push(() => retention.stop())

    const broker = await resolveBroker(config.mqtt, logger.child({ module: 'mqtt' }))
    if (broker.embedded) {
      const embedded = broker.embedded
      this.#stops.push(() => embedded.stop())
    }

    const topics = new TopicRouter(config.mqtt)
    const ingest = new IngestHandler({
      inbox,
      schemas,
      maxPayloadBytes: config.ingest.maxPayloadBytes,
      onAppended: () => applier.notify(),
      logger: logger.child({ module: 'ingest' }),
    })
    const brokerStats = emptyBrokerStats()
    const connection = {
      ...config.mqtt,
      url: broker.url,
      protocolVersion: broker.protocolVersion ?? config.mqtt.protocolVersion,
      persistentSession: true,
      logger: logger.child({ module: 'mqtt' }),
    }
    // Two connections, so an answer never queues behind an ingest backlog.
    // Messages arrive only after start(), when dispatch below is defined.
    const mqtt = new MqttService({
      ...connection,
      availabilityTopic: `${config.mqtt.baseTopic}/available`,
      subscriptions: topics.ingestSubscriptions(),
      onMessage: (packet) => dispatch(packet, 'ingest'),
    })
    const requestMqtt = new MqttService({
      ...connection,
      clientId: `${config.mqtt.clientId}-requests`,
      subscriptions: topics.requestSubscriptions(),
      onMessage: (packet) => dispatch(packet, 'requests'),
    })
    const requests = new RequestRouter({
      schemas,
      baseTopic: config.mqtt.baseTopic,
      responseTopicPrefixes: config.mqtt.responseTopicPrefixes,
      logger: logger.child({ module: 'api' }),
      isOutage: (error) => engine.isOutage(error),
      handlers: requestHandlers({
        config,
        repos,
        faces,
        health: {
          startedAt,
          engine,
          mqtt: {
            get connected() {
              return mqtt.connected && requestMqtt.connected
            },
            get protocolVersion() {
              return mqtt.protocolVersion
            },
          },
          brokerKind: broker.kind,
          ingest: ingest.counters,
          applier: applier.stats,
          inboxPending: () => inbox.pending,
          broker: brokerStats,
          retention: retention.stats,
        },
      }),
    })

    const faceIngest = new FaceIngest({
      check: (schemaId, payload) => ingest.check(schemaId, payload),
      reject: (topic, payload, reason) =>
        this.#acceptDurably(() => ingest.reject(topic, payload, reason), applier),
      enroll: (request) => faces.enroll(request),
      retryMaxMs: config.ingest.retryMaxMs,
      logger: logger.child({ module: 'faces' }),
    })

    const dispatch = (
      packet: IPublishPacket,
      connection: 'ingest' | 'requests',
    ): Promise<void> | undefined => {
      const route = topics.route(packet.topic)
      const payload = packet.payload as Buffer

      switch (route.kind) {
        case 'stream':
        case 'unknown-ingest': {
          const stream = route.kind === 'stream' ? route.stream : undefined
          return this.#acceptDurably(
            () => ingest.accept(packet.topic, stream, payload),
            applier,
          )
        }
        case 'face':
          // Both connections see enrolments; the requests one takes them.
          if (connection === 'ingest') return undefined
          return faceIngest.accept(packet.topic, payload)
        case 'request':
          void publisher.answer(requests, route.op, packet)
          return undefined
        case 'broker-stat':
          recordBrokerStat(brokerStats, route.stat, payload)
          return undefined
        case 'ignore':
          return undefined
      }
    }

    const publisher = new ResponsePublisher(requestMqtt, logger.child({ module: 'mqtt' }))
    const alertTopic = `${config.mqtt.baseTopic}/alerts/blacklist`
    const unlisten = faces.events.on('blacklistMatch', (match) => {
      logger.info({ person: match.personId, camera: match.camera }, 'blacklist match')
      publisher.announce(alertTopic, toWireBlacklistAlert(match))
    })
    // Requests first: 'online' (on the ingest connection) means both are up.
    await requestMqtt.start()
    this.#stops.push(() => requestMqtt.stop())
    await mqtt.start()
    this.#stops.push(() => mqtt.stop())
    // Popped before mqtt.stop: a face enrolment still retrying is dead-lettered.
    this.#stops.push(() => {
      unlisten()
      faceIngest.stop()
    })

    logger.info(
      { engine: kind, broker: broker.kind, mqtt: mqtt.protocolVersion },
      'started',
    )
  }

  /** The face index, loaded from the database before any message arrives. */
  async #startFaces(engine: Engine, repos: Repositories): Promise<FaceDirectory> {
    const { config, logger } = this.#options
    const directory = new FaceDirectory({
      engine,
      faces: repos.faces,
      audit: repos.audit,
      index: new FaceIndex(await loadFaceKernel()),
      models: FaceModels.from(config.faces.models),
      defaultTopK: config.faces.topK,
      logger: logger.child({ module: 'faces' }),
    })
    await directory.start()
    this.#stops.push(() => directory.stop())

    return directory
  }

  /** Where the applier's batches are written: see Capabilities.blockingWrites. */
  async #batchWriter(engine: Engine, repos: Repositories): Promise<BatchWriter> {
    const writer = engine.capabilities.blockingWrites
      ? new WorkerBatchWriter(this.#options.config.storage, this.#options.config.events)
      : new DirectBatchWriter(engine, repos)
    await writer.start()
    this.#stops.push(() => writer.stop())

    return writer
  }

  /**
   * The PUBACK waits for the append; if the inbox cannot take the message
   * (a full disk), it waits and tries again rather than lose it.
   */
  async #acceptDurably(accept: () => void, applier: Applier): Promise<void> {
    for (;;) {
      try {
        accept()
        const room = applier.waitForRoom()
        return await (room ?? this.#turns.next())
      } catch (error) {
        this.#options.logger.error(
          { err: errorMessage(error) },
          'inbox append failed; retrying',
        )
        await new Promise((resolve) => setTimeout(resolve, APPEND_RETRY_MS))
      }
    }
  }
}
