import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App } from '../src/app/app.js'
import { createLogger } from '../src/log/logger.js'
import { openEngine } from '../src/storage/open-engine.js'
import { createRepositories } from '../src/storage/repositories/repositories.js'
import { sql } from '../src/storage/sql.js'
import { startPrivateBroker } from './events-broker.js'
import type { ClientsJob, ClientsResult } from './events-clients.js'
import {
  DATASET_START,
  datasetLocation,
  ensureDataset,
  type DatasetLocation,
} from './events-dataset.js'
import { serviceConfig } from './events-queries.js'
import { startWorker } from '../src/workers/start-worker.js'
import type { PublisherJob } from './publisher-worker.js'
import { percentile, type BenchTable } from './table.js'

export interface ConcurrencyBenchOptions {
  mqttUrl: string
  postgresUrl: string | null
  /** Events in the dataset the service runs over. */
  events: number
  /** Frigate messages per ingest run. */
  messages: number
  /** MQTT clients asking at once. */
  clients: number
}

// As bench/ingest.ts: the publisher stays at most this far ahead of the applier.
const WINDOW = 800
const RUNS = 3

interface Measured {
  engine: string
  alone: number[]
  loaded: number[]
  queries: ClientsResult
}

/**
 * Ingest at its sustained rate (the publisher worker with flow control),
 * alone and then with `clients` MQTT clients querying continuously; runs
 * alternate so that drift in the machine's load hits both sides.
 */
export async function runConcurrencyBench(
  options: ConcurrencyBenchOptions,
): Promise<BenchTable[]> {
  const engines: ('sqlite' | 'postgres')[] = ['sqlite']
  if (options.postgresUrl) engines.push('postgres')

  const broker = await startPrivateBroker()
  const mqttUrl = broker?.url ?? options.mqttUrl
  const measured: Measured[] = []
  try {
    for (const engine of engines) {
      const location = datasetLocation(engine, options.events, options.postgresUrl ?? '')
      await ensureDataset(location, options.events, (line) => console.log(`  ${line}`))
      try {
        measured.push(await measureEngine({ ...options, mqttUrl }, location))
      } finally {
        await removeIngested(location)
      }
    }
  } finally {
    await broker?.stop()
  }

  return [
    table(
      options,
      measured,
      broker ? 'a private Mosquitto (set_tcp_nodelay true)' : mqttUrl,
    ),
  ]
}

async function measureEngine(
  options: ConcurrencyBenchOptions,
  location: DatasetLocation,
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-bench-concurrency-'))
  const { url, schema } = location.settings
  const config = serviceConfig(options.mqttUrl, { url, schema }, dir)
  let applied = 0
  let onApplied: () => void = () => undefined
  const app = new App({
    config,
    logger: createLogger('warn'),
    onApplied: (entries) => {
      applied += entries.length
      onApplied()
    },
  })
  await app.start()

  const ingest = async (): Promise<number> => {
    const base = applied
    const job: PublisherJob = {
      url: options.mqttUrl,
      topic: `${config.mqtt.frigatePrefix}/events`,
      count: options.messages,
      runId: randomBytes(3).toString('hex'),
      window: WINDOW,
    }
    const worker = startWorker(new URL('./publisher-worker.ts', import.meta.url), job)
    let started = performance.now()
    worker.once('message', () => (started = performance.now()))
    await new Promise<void>((resolve) => {
      onApplied = () => {
        worker.postMessage(applied - base)
        if (applied - base >= options.messages) resolve()
      }
    })
    const seconds = (performance.now() - started) / 1000
    await worker.terminate()

    return options.messages / seconds
  }

  const clientsJob: ClientsJob = {
    url: options.mqttUrl,
    base: config.mqtt.baseTopic,
    clients: options.clients,
    events: options.events,
  }
  const alone: number[] = []
  const loaded: number[] = []
  const clients = startWorker(new URL('./events-clients.ts', import.meta.url), clientsJob)
  const result = new Promise<ClientsResult>((resolve) =>
    clients.on('message', (message: unknown) => {
      if (typeof message === 'object') resolve(message as ClientsResult)
    }),
  )

  try {
    // Connected and paused: the clients ask only during the loaded runs.
    await new Promise((resolve) => clients.once('message', resolve))
    for (let run = 0; run < RUNS; run++) {
      alone.push(await ingest())
      clients.postMessage('measure')
      loaded.push(await ingest())
      clients.postMessage('pause')
    }
    clients.postMessage('stop')
    return { engine: location.engine, alone, loaded, queries: await result }
  } finally {
    await clients.terminate()
    await app.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The bench's own Frigate traffic is dated before the dataset: removed again. */
async function removeIngested(location: DatasetLocation): Promise<void> {
  const engine = openEngine({ ...location.settings, readThreads: 0 })
  await engine.start()
  try {
    // Through the repository, so search entries and rollups stay exact.
    await createRepositories(engine).events.delete({ startedBefore: DATASET_START })
    await engine.run(sql`DELETE FROM ingest_offsets`)
  } finally {
    await engine.stop()
  }
}

function table(
  options: ConcurrencyBenchOptions,
  measured: Measured[],
  broker: string,
): BenchTable {
  return {
    title: `Ingest with ${options.clients} clients querying at once (${options.events.toLocaleString('en-US')} events stored)`,
    columns: [
      'engine',
      'ingest alone msg/s',
      'with queries msg/s',
      'slowdown',
      'queries',
      'query p50 ms',
      'query p99 ms',
      'errors',
    ],
    rows: measured.map((m) => {
      const alone = percentile(m.alone, 50)
      const loaded = percentile(m.loaded, 50)
      return [
        m.engine,
        alone,
        loaded,
        `${(((alone - loaded) / alone) * 100).toFixed(0)}%`,
        m.queries.times.length,
        percentile(m.queries.times, 50),
        percentile(m.queries.times, 99),
        m.queries.errors,
      ]
    }),
    notes: [
      `broker: ${broker}; ingest: ${options.messages.toLocaleString('en-US')} Frigate messages per run, publisher at most ${WINDOW} ahead; median of ${RUNS} alternating runs each way`,
      `queries: ${options.clients} MQTT 5 clients in one worker thread, closed loop without think time, each on its own Response Topic`,
      `query mix: ${measured[0]?.queries.cases.join('; ') ?? ''}`,
      'service in-process with default settings (readThreads 1, poolSize 10); targets: slowdown < 20%, query p99 < 50 ms',
    ],
  }
}
