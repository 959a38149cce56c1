import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import mqtt from 'mqtt'
import { App } from '../src/app/app.js'
import { loadConfig, type Config } from '../src/config/load-config.js'
import {
  mapFrigateEvent,
  type FrigateEventMessage,
} from '../src/ingest/mappers/frigate-event-mapper.js'
import { createLogger } from '../src/log/logger.js'
import { openEngine } from '../src/storage/open-engine.js'
import { createRepositories } from '../src/storage/repositories/repositories.js'
import { raw, sql } from '../src/storage/sql.js'
import { SchemaRegistry } from '../src/validation/schema-registry.js'
import { percentile, type BenchTable } from './table.js'
import { startWorker } from '../src/workers/start-worker.js'
import type { PublisherJob } from './publisher-worker.js'

export interface IngestBenchOptions {
  mqttUrl: string
  postgresUrl: string | null
  messages: number
  latencyMessages: number
}

interface Consumer {
  /** Reports progress; resolves once `count` messages are done. */
  run(report: (done: number) => void, count: number): Promise<void>
  stop(): Promise<void>
}

const WINDOW = 800
const RUNS = 3

export async function runIngestBench(options: IngestBenchOptions): Promise<BenchTable[]> {
  const { mqttUrl, messages } = options
  const rows: (string | number)[][] = []
  const rate = async (name: string, make: (topic: string) => Promise<Consumer>) => {
    const result = await throughput(mqttUrl, messages, make)
    rows.push([name, messages, result.seconds, result.perSecond])
    return result.perSecond
  }

  const bare = await rate(
    'bare MQTT.js subscriber (receive only)',
    bareSubscriber(mqttUrl),
  )
  await rate('service, SQLite', serviceConsumer(mqttUrl, sqliteStorage()))
  if (options.postgresUrl) {
    await rate(
      'service, PostgreSQL',
      serviceConsumer(mqttUrl, postgresStorage(options.postgresUrl)),
    )
  }
  const baselineCount = Math.min(messages, 10_000)
  const baseline = await throughput(mqttUrl, baselineCount, perEventCommit(mqttUrl))
  rows.push([
    'per-event commit, SQLite (baseline)',
    baselineCount,
    baseline.seconds,
    baseline.perSecond,
  ])

  const throughputTable: BenchTable = {
    title: 'Ingest throughput (Frigate events, QoS 1, through the broker)',
    columns: ['consumer', 'messages', 'seconds', 'msg/s', 'vs bare'],
    rows: rows.map((row) => [...row, `${((row[3] as number) / bare).toFixed(2)}x`]),
    notes: [
      `broker ${mqttUrl}; publisher in its own thread, at most ${WINDOW} messages ahead`,
      `median of ${RUNS} runs; the baseline is one run of up to 10,000 messages`,
    ],
  }

  return [throughputTable, await latencyAndMemory(options)]
}

async function throughput(
  mqttUrl: string,
  count: number,
  make: (topic: string) => Promise<Consumer>,
): Promise<{ seconds: number; perSecond: number }> {
  const topic = `bench-${randomBytes(4).toString('hex')}/events`
  const consumer = await make(topic)
  const job: PublisherJob = {
    url: mqttUrl,
    topic,
    count,
    runId: randomBytes(3).toString('hex'),
    window: WINDOW,
  }
  const worker = startPublisher(job)
  let started = performance.now()
  worker.once('message', () => (started = performance.now()))

  await consumer.run((done) => worker.postMessage(done), count)
  const seconds = (performance.now() - started) / 1000
  await worker.terminate()
  await consumer.stop()

  return { seconds, perSecond: count / seconds }
}

/** The publisher runs in its own thread, as TypeScript (startWorker registers tsx). */
function startPublisher(job: PublisherJob): Worker {
  return startWorker(new URL('./publisher-worker.ts', import.meta.url), job)
}

function bareSubscriber(url: string) {
  return async (topic: string): Promise<Consumer> => {
    const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 })
    await client.subscribeAsync(topic, { qos: 1 })

    return {
      run: (report, count) =>
        new Promise((resolve) => {
          let received = 0
          client.on('message', () => {
            received++
            if (received % 100 === 0) report(received)
            if (received === count) resolve()
          })
        }),
      stop: () => client.endAsync(),
    }
  }
}

interface StorageChoice {
  settings: () => Partial<Config['storage']>
  cleanup: (settings: Partial<Config['storage']>) => Promise<void>
}

function sqliteStorage(): StorageChoice {
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-bench-'))
  return {
    settings: () => ({ url: join(dir, `bench-${randomBytes(3).toString('hex')}.db`) }),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  }
}

function postgresStorage(url: string): StorageChoice {
  return {
    settings: () => ({ url, schema: `bench_${randomBytes(4).toString('hex')}` }),
    cleanup: async (settings) => {
      const engine = openEngine({ url, poolSize: 1, schema: 'public' })
      await engine.start()
      await engine.run(
        sql`DROP SCHEMA IF EXISTS ${raw(settings.schema ?? 'missing')} CASCADE`,
      )
      await engine.stop()
    },
  }
}

function benchConfig(
  mqttUrl: string,
  topic: string,
  storage: Partial<Config['storage']>,
  dir: string,
) {
  return loadConfig({
    skipDefaultFile: true,
    env: {},
    overrides: {
      mqtt: {
        url: mqttUrl,
        clientId: `bench-${randomBytes(4).toString('hex')}`,
        frigatePrefix: topic.replace(/\/events$/, ''),
        baseTopic: `bench-${randomBytes(4).toString('hex')}`,
        watchBrokerDrops: false,
      },
      storage,
      ingest: { inboxPath: join(dir, 'inbox.db') },
      log: { level: 'warn' },
    },
  })
}

function serviceConsumer(mqttUrl: string, storage: StorageChoice) {
  return async (topic: string): Promise<Consumer> => {
    const dir = mkdtempSync(join(tmpdir(), 'doorbell-bench-inbox-'))
    const settings = storage.settings()
    let applied = 0
    let onProgress: () => void = () => undefined
    const app = new App({
      config: benchConfig(mqttUrl, topic, settings, dir),
      logger: createLogger('warn'),
      onApplied: (entries) => {
        applied += entries.length
        onProgress()
      },
    })
    await app.start()

    return {
      run: (report, count) =>
        new Promise((resolve) => {
          onProgress = () => {
            report(applied)
            if (applied >= count) resolve()
          }
        }),
      stop: async () => {
        await app.stop()
        await storage.cleanup(settings)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
}

/** The design this service replaces: validate, map and commit each message before its ack. */
function perEventCommit(url: string) {
  return async (topic: string): Promise<Consumer> => {
    const storage = sqliteStorage()
    const engine = openEngine({
      url: storage.settings().url ?? '',
      poolSize: 1,
      schema: 'public',
    })
    await engine.start()
    await engine.migrator.up()
    const repos = createRepositories(engine)
    const schemas = new SchemaRegistry()
    const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 })
    let done = 0
    let onDone: () => void = () => undefined

    client.handleMessage = (packet, callback) => {
      const message: unknown = JSON.parse(packet.payload.toString())
      schemas.validate('ingest/frigate-event.schema.json', message)
      const record = mapFrigateEvent(message as FrigateEventMessage, Date.now() / 1000)
      engine
        .transaction((tx) => repos.events.upsert(tx, [record]))
        .then(
          () => {
            done++
            onDone()
            callback()
          },
          (error: Error) => callback(error),
        )
    }
    await client.subscribeAsync(topic, { qos: 1 })

    return {
      run: (report, count) =>
        new Promise((resolve) => {
          onDone = () => {
            if (done % 100 === 0) report(done)
            if (done >= count) resolve()
          }
        }),
      stop: async () => {
        await client.endAsync()
        await engine.stop()
        await storage.cleanup({})
      },
    }
  }
}

/**
 * The service as users run it (a child process, SQLite): publish-to-queryable
 * latency at 1k msg/s, and the process's peak resident memory.
 */
export async function latencyAndMemory(options: IngestBenchOptions): Promise<BenchTable> {
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-bench-child-'))
  const base = `bench-${randomBytes(4).toString('hex')}`
  const frigatePrefix = `${base}-frigate`
  const dbPath = join(dir, 'events.db')
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `mqtt: { url: "${options.mqttUrl}", baseTopic: ${base}, frigatePrefix: ${frigatePrefix}, clientId: ${base} }`,
      `storage: { url: "${dbPath}" }`,
      `ingest: { inboxPath: "${join(dir, 'inbox.db')}" }`,
      `log: { level: warn }`,
    ].join('\n'),
  )
  const child = spawn(
    process.execPath,
    [...startFlags(), 'dist/cli/main.js', '--config', join(dir, 'config.yaml'), 'start'],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  )
  await waitForOnline(options.mqttUrl, `${base}/available`)

  const count = options.latencyMessages
  const sentAt: number[] = []
  const job: PublisherJob = {
    url: options.mqttUrl,
    topic: `${frigatePrefix}/events`,
    count,
    runId: randomBytes(3).toString('hex'),
    window: count,
    ratePerSecond: 1000,
    reportSends: true,
  }
  const worker = startPublisher(job)
  worker.on('message', (message: unknown) => {
    if (typeof message === 'number') sentAt.push(message)
  })

  const latencies = await pollVisibility(dbPath, sentAt, count)
  const peakRss = readPeakRss(child.pid ?? 0)
  await worker.terminate()
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  rmSync(dir, { recursive: true, force: true })

  return {
    title:
      'Publish-to-queryable latency at 1k msg/s, and memory (service as a child process, SQLite)',
    columns: ['messages', 'p50 ms', 'p99 ms', 'max ms', 'peak RSS MB'],
    rows: [
      [
        count,
        percentile(latencies, 50),
        percentile(latencies, 99),
        Math.max(...latencies),
        peakRss / 1024,
      ],
    ],
    notes: [
      'latency: publish call to the row being readable from a separate SQLite connection' +
        ' (polled every 2 ms)',
    ],
  }
}

/** Reads the events table from its own connection, as a query would, until all are seen. */
async function pollVisibility(
  dbPath: string,
  sentAt: number[],
  count: number,
): Promise<number[]> {
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(dbPath, { readonly: true })
  const applied = db.prepare('SELECT last_seq FROM ingest_offsets')
  const latencies: number[] = []
  let seen = 0

  while (seen < count) {
    await new Promise((resolve) => setTimeout(resolve, 2))
    const row = applied.get() as { last_seq: number } | undefined
    const now = performance.timeOrigin + performance.now()
    // Inbox sequence numbers follow publish order: the n-th message is seq n.
    for (; seen < (row?.last_seq ?? 0) && seen < sentAt.length; seen++) {
      latencies.push(now - (sentAt[seen] ?? now))
    }
  }
  db.close()

  return latencies
}

/** The node flags of `npm start`, so the child runs as users run the service. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    scripts: { start: string }
  }
  const words = pkg.scripts.start.split(/\s+/)

  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'))
}

function readPeakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmHWM:\s+(\d+) kB/.exec(status)

  return Number(match?.[1] ?? 0)
}

async function waitForOnline(url: string, topic: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 })
  await new Promise<void>((resolve) => {
    client.on('message', (_topic, payload) => {
      if (payload.toString() === 'online') resolve()
    })
    void client.subscribeAsync(topic)
  })
  await client.endAsync()
}
