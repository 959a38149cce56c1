import { parentPort, workerData } from 'node:worker_threads'
import mqtt from 'mqtt'
import { frigateTraffic } from './traffic.js'

/**
 * Publishes Frigate traffic at QoS 1 from its own thread. Flow control keeps
 * at most `window` messages ahead of what the consumer reports done, so the
 * broker's per-client queue never overflows and the consumer sets the pace;
 * with `ratePerSecond` it paces instead.
 */
export interface PublisherJob {
  url: string
  topic: string
  count: number
  runId: string
  window: number
  ratePerSecond?: number
  /** Post each message's send time to the parent (latency runs). */
  reportSends?: boolean
}

const MAX_OUTSTANDING = 256

const job = workerData as PublisherJob
let consumed = 0

parentPort?.on('message', (done: number) => {
  consumed = done
})

const client = await mqtt.connectAsync(job.url, { clean: true, reconnectPeriod: 0 })
parentPort?.postMessage('ready')
const started = performance.now()
let published = 0
let outstanding = 0

for (const message of frigateTraffic(job.count, job.runId)) {
  while (published - consumed >= job.window || outstanding >= MAX_OUTSTANDING)
    await sleep(1)
  if (job.ratePerSecond) {
    const wait = started + (published * 1000) / job.ratePerSecond - performance.now()
    if (wait > 0) await sleep(wait)
  }

  if (job.reportSends) parentPort?.postMessage(performance.timeOrigin + performance.now())
  outstanding++
  client.publish(job.topic, message.payload, { qos: 1 }, () => outstanding--)
  published++
}

while (outstanding > 0) await sleep(1)
await client.endAsync()
parentPort?.postMessage('finished')

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
