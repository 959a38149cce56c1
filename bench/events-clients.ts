import { parentPort, workerData } from 'node:worker_threads'
import {
  Requester,
  queryCases,
  seeded,
  unavailable,
  type QueryCase,
} from './events-requests.js'

/**
 * Many MQTT clients asking continuously, from a thread of their own: each
 * sends a request, waits for its answer and sends the next (a closed loop,
 * no think time). They start paused; the parent says `measure` to ask and
 * record, `pause` to wait, and `stop` for every round trip recorded.
 */
export interface ClientsJob {
  url: string
  base: string
  clients: number
  /** Events in the dataset, for events/get ids. */
  events: number
}

export interface ClientsResult {
  times: number[]
  errors: number
  /** The request mix actually sent: cases the build serves. */
  cases: string[]
}

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

let state: 'paused' | 'measuring' | 'stopped' = 'paused'
let errors = 0
const times: number[] = []

const loops = requesters.map(async (requester, i) => {
  const own = seeded(0x1000 + i)
  while (state !== 'stopped') {
    const queryCase = cases[Math.floor(own() * cases.length)]
    if (!queryCase) return
    if (state === 'paused') {
      await new Promise((resolve) => setTimeout(resolve, 5))
      continue
    }
    const { reply, ms } = await requester.ask(queryCase.op, queryCase.body(own))
    // An answer that straddles a pause still counts: it was asked under load.
    times.push(ms)
    if (reply.status !== 'ok') errors++
  }
})

parentPort?.on('message', (message: string) => {
  if (message === 'measure' || message === 'pause') {
    state = message === 'measure' ? 'measuring' : 'paused'
    return
  }
  state = 'stopped'
  void Promise.all(loops)
    .then(() => Promise.all(requesters.map((requester) => requester.close())))
    .then(() => {
      const result: ClientsResult = { times, errors, cases: cases.map((c) => c.name) }
      parentPort?.postMessage(result)
    })
})
parentPort?.postMessage('ready')
