import { isListening } from '../src/mqtt/broker-probe.js'
import { runIngestBench } from './ingest.js'
import { formatTable, type BenchTable } from './table.js'

/**
 * `npm run bench`: every measurement with its baseline taken in the same run.
 * --quick shrinks the sizes for a smoke run. BENCH_MQTT_URL and
 * BENCH_DATABASE_URL pick the broker and PostgreSQL.
 */
const quick = process.argv.includes('--quick')
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
const mqttUrl = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883'
const postgresUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function main(): Promise<void> {
  const tables: BenchTable[] = []
  const print = (more: BenchTable[]): void => {
    tables.push(...more)
    for (const table of more) console.log(formatTable(table))
  }

  console.log(`# doorbell-storage benchmark${quick ? ' (quick)' : ''}`)
  if (!only || only === 'ingest') {
    const broker = new URL(mqttUrl)
    if (!(await isListening(broker.hostname, Number(broker.port || 1883)))) {
      throw new Error(
        `the ingest benchmark needs a broker at ${mqttUrl} (BENCH_MQTT_URL)`,
      )
    }
    print(
      await runIngestBench({
        mqttUrl,
        postgresUrl: (await postgresReachable(postgresUrl)) ? postgresUrl : null,
        messages: quick ? 5_000 : 50_000,
        latencyMessages: quick ? 2_000 : 10_000,
      }),
    )
  }
  if (only === 'latency') {
    const { latencyAndMemory } = await import('./ingest.js')
    const options = { mqttUrl, postgresUrl: null, messages: 0 }
    print([
      await latencyAndMemory({ ...options, latencyMessages: quick ? 2_000 : 10_000 }),
    ])
  }
  if (!only || only === 'events') {
    const { runEventsBench } = await import('./events-queries.js')
    print(
      await runEventsBench({
        mqttUrl,
        postgresUrl: (await postgresReachable(postgresUrl)) ? postgresUrl : null,
        events: quick ? 100_000 : 1_000_000,
        requests: quick ? 200 : 300,
        warmup: quick ? 20 : 30,
      }),
    )
  }
  if (!only || only === 'concurrency') {
    const { runConcurrencyBench } = await import('./concurrency.js')
    print(
      await runConcurrencyBench({
        mqttUrl,
        postgresUrl: (await postgresReachable(postgresUrl)) ? postgresUrl : null,
        events: quick ? 100_000 : 1_000_000,
        messages: quick ? 10_000 : 40_000,
        clients: 50,
      }),
    )
  }
  if (!only || only === 'faces') {
    const { runFacesBench } = await import('./faces.js')
    print(await runFacesBench({ quick }))
  }
}

async function postgresReachable(url: string): Promise<boolean> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
    return true
  } catch {
    console.log(`PostgreSQL not reachable at ${url}: its rows are left out`)
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
