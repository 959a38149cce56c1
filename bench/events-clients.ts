import { parentPort, workerData } from 'node:worker_threads'
import {
  Requester,
  queryCases,
  seeded,
  unavailable,
  type QueryCase,
} from './events-requests.js'

/**
 * Many MQTT clients asking, from a thread of their own: each sends a request,
 * waits for its answer, thinks for a while (exponentially distributed around
 * a mean; none for a saturating load) and asks again. They start paused; the
 * parent posts `{ measure: load, thinkMs }` to ask and record under a load,
 * `pause` to wait, and `stop` for every round trip recorded.
 */
export interface ClientsJob {
  url: string
  base: string
  clients: number
  /** Events in the dataset, for events/get ids. */
  events: number
}

/** Round trips recorded under one load (the parent's number for it). */
export interface LoadResult {
  load: number
  thinkMs: number
  times: number[]
  errors: number
  /** Time spent measuring under this load. */
  seconds: number
}

export interface ClientsResult {
  loads: LoadResult[]
  /** The request mix actually sent: cases the build serves. */
  cases: string[]
}

export type ClientsCommand = { measure: number; thinkMs: number } | 'pause' | 'stop'

// The mix: pages, single events and statistics (no text search).
const MIX = [
  'page of 50: 2 cameras, person+car, last 7 days',
  'page of 50: one person, last 30 days',
  'events/get of a random id',
  'events/stats, 24 hours',
  'events/stats, 30 days',
]

const job = workerData as ClientsJob
const requesters = await Promise.all(
  Array.from({ length: job.clients }, () => Requester.connect(job.url, job.base, true)),
)
const first = requesters[0]
if (!first) throw new Error('no clients')

const random = seeded(0xc11e)
const cases: QueryCase[] = []
for (const queryCase of queryCases(job.events)) {
  if (!MIX.includes(queryCase.name)) continue
  const probe = await first.ask(queryCase.op, queryCase.body(random))
  if (!unavailable(probe.reply)) cases.push(queryCase)
}

const loads = new Map<number, LoadResult>()
let current: LoadResult | undefined
let since = 0
let stopped = false
/** Counts the measuring periods, so that each client knows when one starts. */
let period = 0

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const loops = requesters.map(async (requester, i) => {
  const own = seeded(0x1000 + i)
  const think = (load: LoadResult) => sleep(-Math.log(1 - own()) * load.thinkMs)
  let seen = 0
  while (!stopped) {
    const queryCase = cases[Math.floor(own() * cases.length)]
    if (!queryCase) return
    const load = current
    if (!load) {
      await sleep(5)
      continue
    }
    if (seen !== period && load.thinkMs > 0) {
      // Each client first thinks too: fifty first requests in the same
      // instant would be a burst the steady load never has.
      seen = period
      await think(load)
      if (current !== load || seen !== period) continue
    }
    seen = period
    const { reply, ms } = await requester.ask(queryCase.op, queryCase.body(own))
    // An answer that straddles a pause still counts: it was asked under load.
    load.times.push(ms)
    if (reply.status !== 'ok') load.errors++
    if (load.thinkMs > 0) await think(load)
  }
})

const settle = (): void => {
  if (current) current.seconds += (performance.now() - since) / 1000
  current = undefined
}

parentPort?.on('message', (command: ClientsCommand) => {
  settle()
  if (typeof command === 'object') {
    const load = loads.get(command.measure) ?? {
      load: command.measure,
      thinkMs: command.thinkMs,
      times: [],
      errors: 0,
      seconds: 0,
    }
    loads.set(command.measure, load)
    current = load
    period++
    since = performance.now()
    return
  }
  if (command === 'pause') return
  stopped = true
  void Promise.all(loops)
    .then(() => Promise.all(requesters.map((requester) => requester.close())))
    .then(() => {
      const result: ClientsResult = {
        loads: [...loads.values()],
        cases: cases.map((c) => c.name),
      }
      parentPort?.postMessage(result)
    })
})
parentPort?.postMessage('ready')
