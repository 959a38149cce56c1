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
import type { ClientsCommand, ClientsJob, ClientsResult } from './events-clients.js'
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

/**
 * The loads the clients put on the service, by mean think time between an
 * answer and the next request: dashboards and automations asking about once
 * a second each, and clients asking as fast as they are answered (a stress
 * test: it finds the query capacity left beside ingest). The last row paces
 * ingest at half its rate alone, to show what the CPU left over buys.
 */
const LOADS = [
  { thinkMs: 1000, name: 'each asks ~1/s', ingestShare: 1 },
  { thinkMs: 0, name: 'no think time', ingestShare: 1 },
  { thinkMs: 1000, name: 'each asks ~1/s; ingest paced at half', ingestShare: 0.5 },
]

// As bench/ingest.ts: the publisher stays at most this far ahead of the applier.
const WINDOW = 800
const RUNS = 3

interface Measured {
  engine: string
  alone: number[]
  /** Ingest rates under each of LOADS, by index. */
  loaded: Map<number, number[]>
  queries: ClientsResult
}

/**
 * Ingest at its sustained rate (the publisher worker with flow control),
 * alone and then with `clients` MQTT clients querying under each of LOADS;
 * runs alternate so that drift in the machine's load hits every side.
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

  /** Ingest flat out, or paced at `ratePerSecond`; returns the rate applied. */
  const ingest = async (ratePerSecond?: number): Promise<number> => {
    const base = applied
    const job: PublisherJob = {
      url: options.mqttUrl,
      topic: `${config.mqtt.frigatePrefix}/events`,
      count: options.messages,
      runId: randomBytes(3).toString('hex'),
      window: WINDOW,
      ratePerSecond,
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
  const loaded = new Map<number, number[]>(LOADS.map((_, i) => [i, []]))
  const clients = startWorker(new URL('./events-clients.ts', import.meta.url), clientsJob)
  const command = (message: ClientsCommand) => clients.postMessage(message)
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
      const rateAlone = alone[alone.length - 1] ?? 0
      for (const [i, load] of LOADS.entries()) {
        command({ measure: i, thinkMs: load.thinkMs })
        const rate = load.ingestShare < 1 ? rateAlone * load.ingestShare : undefined
        loaded.get(i)?.push(await ingest(rate))
        command('pause')
      }
    }
    command('stop')
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
    title:
      `Ingest with ${options.clients} clients querying at once ` +
      `(${options.events.toLocaleString('en-US')} events stored)`,
    columns: [
      'engine',
      'clients',
      'ingest alone msg/s',
      'with queries msg/s',
      'slowdown',
      'queries',
      'queries/s',
      'query p50 ms',
      'query p99 ms',
      'errors',
    ],
    rows: measured.flatMap((m) => {
      const alone = percentile(m.alone, 50)
      return LOADS.map((load, i) => {
        const rates = m.loaded.get(i) ?? []
        const queries = m.queries.loads.find((q) => q.load === i)
        const times = queries?.times ?? []
        const withQueries = percentile(rates, 50)
        return [
          m.engine,
          load.name,
          alone,
          withQueries,
          load.ingestShare < 1
            ? `paced (${Math.round(alone * load.ingestShare)})`
            : `${(((alone - withQueries) / alone) * 100).toFixed(0)}%`,
          times.length,
          Math.round(times.length / (queries?.seconds || 1)),
          percentile(times, 50),
          percentile(times, 99),
          queries?.errors ?? 0,
        ]
      })
    }),
    notes: [
      `broker: ${broker}; ingest: ${options.messages.toLocaleString('en-US')} Frigate ` +
        `messages per run, publisher at most ${WINDOW} ahead`,
      `median of ${RUNS} alternating runs each way`,
      `queries: ${options.clients} MQTT 5 clients in one worker thread, each on its own ` +
        'Response Topic; a client asks, waits for the answer, thinks',
      '  (exponential, mean 1 s, also before its first request; or not at all) and asks again',
      `query mix: ${measured[0]?.queries.cases.join('; ') ?? ''}`,
      'service in-process with default settings (readThreads 1, poolSize 10)',
      'targets (clients asking ~1/s beside ingest at full rate): slowdown < 20%, ' +
        'query p99 < 50 ms',
    ],
  }
}
