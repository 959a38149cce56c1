import mqtt, {
  type IClientOptions,
  type IClientPublishOptions,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt'
import { StartupError, errorCode, errorMessage } from '../errors.js'
import type { Logger } from '../log/logger.js'

export type MessageHandler = (packet: IPublishPacket) => void | Promise<void>

export interface MqttSubscription {
  topic: string
  qos: 0 | 1
}

export interface MqttServiceOptions {
  url: string
  clientId: string
  username?: string
  password?: string
  protocolVersion: 4 | 5
  sessionExpirySeconds: number
  keepaliveSeconds: number
  connectTimeoutMs: number
  /**
   * Kept by the broker across reconnects and restarts (clean: false), with
   * the session expiry above; otherwise a clean session.
   */
  persistentSession: boolean
  /** Retained 'online' on connect, 'offline' as the Last Will and on stop. */
  availabilityTopic?: string
  subscriptions: MqttSubscription[]
  /** Called once per message, in order; its PUBACK waits until it settles. */
  onMessage: MessageHandler
  logger: Logger
}

// CONNACK codes that mean the credentials were refused: 3.1.1 (4, 5), 5.0 (0x86, 0x87).
const AUTH_REFUSED = new Set([4, 5, 0x86, 0x87])
// CONNACK codes that mean the broker does not speak the version: 3.1.1 (1), 5.0 (0x84).
const VERSION_REFUSED = new Set([1, 0x84])

/**
 * One MQTT connection of the service. The service keeps two: ingest, with a
 * persistent session and the availability topic, and requests, so that an
 * answer never waits behind a backlog of ingest messages on the same socket
 * (the client hands over one message at a time, each after its PUBACK).
 */
export class MqttService {
  readonly #options: MqttServiceOptions
  readonly #log: Logger
  #client: MqttClient | undefined
  #protocolVersion: 4 | 5

  constructor(options: MqttServiceOptions) {
    this.#options = options
    this.#log = options.logger
    this.#protocolVersion = options.protocolVersion
  }

  get connected(): boolean {
    return this.#client?.connected ?? false
  }

  get protocolVersion(): 4 | 5 {
    return this.#protocolVersion
  }

  /** Resolves on the first connection; rejects with a StartupError. */
  async start(): Promise<void> {
    try {
      this.#client = await this.#connect(this.#protocolVersion)
    } catch (error) {
      if (!(error instanceof VersionRefused) || this.#protocolVersion === 4) throw error
      this.#log.info('broker refused MQTT 5; connecting with MQTT 3.1.1')
      this.#protocolVersion = 4
      this.#client = await this.#connect(4)
    }
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    options: IClientPublishOptions = {},
  ) {
    const client = this.#client
    if (!client) throw new Error('MQTT service is not started')

    await client.publishAsync(topic, payload, options)
  }

  async stop(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    if (!client) return

    const availability = this.#options.availabilityTopic
    if (client.connected && availability) {
      const offline = client.publishAsync(availability, 'offline', {
        qos: 1,
        retain: true,
      })
      await withTimeout(offline, 2000).catch(() => undefined)
    }
    await client.endAsync()
  }

  #connect(protocolVersion: 4 | 5): Promise<MqttClient> {
    const options = this.#options
    const client = mqtt.connect(options.url, this.#clientOptions(protocolVersion))
    client.handleMessage = (packet, done) => this.#dispatch(packet, done)
    client.on('connect', () => this.#onConnect(client))
    client.on('offline', () => {
      // Before the first connect, start() reports the failure instead.
      if (this.#client === client) this.#log.warn('MQTT connection lost; reconnecting')
    })

    return new Promise((resolve, reject) => {
      let lastError = 'no answer'
      const fail = (error: Error): void => {
        clearTimeout(timer)
        client.removeListener('error', onError)
        client.end(true)
        reject(error)
      }
      const onError = (error: Error): void => {
        const code = errorCode(error) ?? (error as { code?: number }).code
        if (typeof code === 'number' && AUTH_REFUSED.has(code)) {
          fail(authRefused(options, error))
        } else if (typeof code === 'number' && VERSION_REFUSED.has(code)) {
          fail(new VersionRefused())
        } else {
          lastError = errorMessage(error) || String(code)
        }
      }
      const timer = setTimeout(
        () => fail(unreachable(options, lastError)),
        options.connectTimeoutMs,
      )

      client.on('error', onError)
      client.once('connect', () => {
        clearTimeout(timer)
        client.removeListener('error', onError)
        client.on('error', (error) =>
          this.#log.warn({ err: errorMessage(error) }, 'MQTT error'),
        )
        resolve(client)
      })
    })
  }

  #clientOptions(protocolVersion: 4 | 5): IClientOptions {
    const o = this.#options

    return {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      protocolVersion,
      clean: !o.persistentSession,
      keepalive: o.keepaliveSeconds,
      reconnectPeriod: 1000,
      connectTimeout: Math.min(o.connectTimeoutMs, 30_000),
      resubscribe: false,
      properties:
        protocolVersion === 5 && o.persistentSession
          ? { sessionExpiryInterval: o.sessionExpirySeconds }
          : undefined,
      will: o.availabilityTopic
        ? {
            topic: o.availabilityTopic,
            payload: Buffer.from('offline'),
            qos: 1,
            retain: true,
          }
        : undefined,
    }
  }

  /** Subscribes again on every connect: the broker may have lost the session. */
  #onConnect(client: MqttClient): void {
    const { subscriptions, availabilityTopic } = this.#options
    const topics = Object.fromEntries(subscriptions.map((s) => [s.topic, { qos: s.qos }]))
    // Answers are small and awaited: without this, Nagle's algorithm and the
    // peer's delayed ACK hold a reply for about 40 ms.
    const socket = client.stream as unknown as { setNoDelay?: (noDelay: boolean) => void }
    socket.setNoDelay?.(true)

    client
      .subscribeAsync(topics)
      .then(async () => {
        if (!availabilityTopic) return
        await client.publishAsync(availabilityTopic, 'online', { qos: 1, retain: true })
      })
      .then(() => this.#log.info({ topics: subscriptions.length }, 'MQTT connected'))
      .catch((error: unknown) =>
        this.#log.error({ err: errorMessage(error) }, 'subscribe failed'),
      )
  }

  #dispatch(packet: IPublishPacket, done: (error?: Error) => void): void {
    let outcome: void | Promise<void>

    try {
      outcome = this.#options.onMessage(packet)
    } catch (error) {
      this.#log.error(
        { err: errorMessage(error), topic: packet.topic },
        'message handler failed',
      )
      done()
      return
    }

    if (!outcome) {
      done()
      return
    }
    outcome.then(
      () => done(),
      (error: unknown) => {
        this.#log.error(
          { err: errorMessage(error), topic: packet.topic },
          'message handler failed',
        )
        done()
      },
    )
  }
}

class VersionRefused extends Error {}

function authRefused(options: MqttServiceOptions, cause: Error): StartupError {
  const who = options.username ? `user "${options.username}"` : 'anonymous clients'

  return new StartupError(
    'BROKER_AUTH_REFUSED',
    `the MQTT broker at ${redact(options.url)} refused ${who}: ${cause.message}`,
    'check mqtt.username and mqtt.password (DOORBELL_STORAGE_MQTT_USERNAME / _PASSWORD)',
    { cause },
  )
}

function unreachable(options: MqttServiceOptions, lastError: string): StartupError {
  return new StartupError(
    'BROKER_UNREACHABLE',
    `cannot connect to the MQTT broker at ${redact(options.url)} ` +
      `within ${options.connectTimeoutMs} ms (${lastError})`,
    'start the broker or correct mqtt.url (DOORBELL_STORAGE_MQTT_URL)',
  )
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
