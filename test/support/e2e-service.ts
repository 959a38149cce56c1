import { mkdtempSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { App } from '../../src/app/app.js'
import { loadConfig, type Config } from '../../src/config/load-config.js'
import { createLogger } from '../../src/log/logger.js'
import type { StorageSettings } from '../../src/storage/open-engine.js'
import {
  E2E_BROKERS,
  e2eNames,
  forgetService,
  openBroker,
  type E2eBroker,
  type E2eBrokerName,
  type E2eNames,
} from './e2e-brokers.js'
import { checkedRequest, type Envelope } from './e2e-contract.js'
import { createTestDatabase, type EngineName, type TestDatabase } from './engines.js'
import { connectClient } from './mqtt-client.js'
import { postgresProblem, requireService } from './services.js'

/** Settings a test changes, section by section, over the e2e defaults. */
export interface E2eOverrides {
  mqtt?: Partial<Config['mqtt']>
  ingest?: Partial<Config['ingest']>
  api?: Partial<Config['api']>
  retention?: Partial<Config['retention']>
}

export interface E2eSettingsInput extends E2eOverrides {
  /** Null leaves the choice to the service: a broker on embeddedPort, or its own. */
  brokerUrl: string | null
  names: E2eNames
  storage: StorageSettings
  /** A temp folder for the inbox. */
  dir: string
}

/** Settings as loadConfig overrides or a --config YAML file take them. */
export type E2eSettings = {
  mqtt: Partial<Config['mqtt']>
  storage: StorageSettings
  ingest: Partial<Config['ingest']> & { inboxPath: string }
  api: Partial<Config['api']>
  retention: Partial<Config['retention']>
  log: { level: Config['log']['level'] }
}

/**
 * The e2e defaults: short timeouts and retries, warnings only. $SYS drop
 * counters are off: on a shared broker they count other clients' drops.
 */
export function e2eSettings(input: E2eSettingsInput): E2eSettings {
  const { names, storage } = input

  return {
    mqtt: {
      url: input.brokerUrl,
      clientId: names.clientId,
      baseTopic: names.baseTopic,
      frigatePrefix: names.frigatePrefix,
      connectTimeoutMs: 5000,
      watchBrokerDrops: false,
      ...input.mqtt,
    },
    storage: { url: storage.url, schema: storage.schema, poolSize: storage.poolSize },
    ingest: { inboxPath: join(input.dir, 'inbox.db'), retryMaxMs: 200, ...input.ingest },
    api: { ...input.api },
    retention: { ...input.retention },
    log: { level: 'warn' },
  }
}

export function e2eConfig(input: E2eSettingsInput): Config {
  return loadConfig({ skipDefaultFile: true, env: {}, overrides: e2eSettings(input) })
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'doorbell-e2e-'))
}

/** One broker and one engine of the matrix. */
export interface E2eEnvironment {
  broker: E2eBroker
  engine: EngineName
}

/**
 * A suite per broker and engine. The broker lives as long as the suite;
 * PostgreSQL suites skip (or fail in CI) when it is away.
 */
export function describeMatrix(
  title: string,
  matrix: { brokers?: readonly E2eBrokerName[]; engines: readonly EngineName[] },
  suite: (env: () => E2eEnvironment) => void,
): void {
  for (const brokerName of matrix.brokers ?? E2E_BROKERS) {
    for (const engine of matrix.engines) {
      describe(`${title} [${brokerName}, ${engine}]`, function () {
        let broker: E2eBroker | undefined

        before(async function () {
          if (engine === 'postgres') await requireService(this, postgresProblem())
          broker = await openBroker(this, brokerName)
        })

        suite(() => {
          if (!broker) throw new Error('no broker: used outside a test')
          return { broker, engine }
        })

        // Registered after the suite's own hooks, so it runs after them.
        after(async function () {
          await broker?.stop()
        })
      })
    }
  }
}

/** The service running in this process, and a client to talk to it. */
export interface RunningService {
  app: App
  config: Config
  names: E2eNames
  database: TestDatabase
  client: MqttClient
  request<Op extends string>(
    op: Op,
    body?: Record<string, unknown> | string,
  ): Promise<Envelope<Op>>
  publish(topic: string, payload: string | Buffer): Promise<void>
  frigateEvents: string
}

/**
 * A fresh service per test (or, with scope 'suite', one for the tests of a
 * suite that change nothing): its own topics, client id, database and inbox.
 */
export function useService(
  env: () => E2eEnvironment,
  overrides: E2eOverrides | ((names: E2eNames) => E2eOverrides) = {},
  { scope = 'test' }: { scope?: 'test' | 'suite' } = {},
): () => RunningService {
  let current: RunningService | undefined
  let cleanups: (() => Promise<void> | void)[] = []
  const [setUp, tearDown] = scope === 'test' ? [beforeEach, afterEach] : [before, after]

  setUp(async function () {
    const { broker, engine } = env()
    const names = e2eNames()
    const database = await createTestDatabase(engine)
    cleanups.push(() => database.drop())
    const dir = tempDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    cleanups.push(() => forgetService(broker, names))
    const config = e2eConfig({
      brokerUrl: broker.url,
      names,
      storage: database.settings,
      dir,
      ...(typeof overrides === 'function' ? overrides(names) : overrides),
    })

    const app = new App({ config, logger: createLogger('silent') })
    cleanups.push(() => app.stop())
    await app.start()
    const client = await connectClient(broker.url)
    cleanups.push(() => client.endAsync())
    // Without it Nagle holds each small request for a delayed ACK (~40 ms).
    ;(client.stream as Socket).setNoDelay(true)

    current = {
      app,
      config,
      names,
      database,
      client,
      request: (op, body) => checkedRequest(client, names.baseTopic, op, body),
      publish: async (topic, payload) => {
        await client.publishAsync(topic, payload, { qos: 1 })
      },
      frigateEvents: `${names.frigatePrefix}/events`,
    }
  })

  tearDown(async function () {
    const steps = cleanups.reverse()
    current = undefined
    cleanups = []
    for (const step of steps) await step()
  })

  return () => {
    if (!current) throw new Error('no service: used outside a test')
    return current
  }
}
