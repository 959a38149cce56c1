import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isListening } from '../src/mqtt/broker-probe.js'

/** A Mosquitto of the bench's own, configured as docs/tuning.md advises. */
export interface PrivateBroker {
  url: string
  stop(): Promise<void>
}

/**
 * Starts `mosquitto` with set_tcp_nodelay on a free port, or returns null when
 * the binary is not installed. With Mosquitto's default (off), every request
 * waits ~40 ms for a delayed ACK, which hides the database entirely.
 */
export async function startPrivateBroker(): Promise<PrivateBroker | null> {
  if (spawnSync('mosquitto', ['-h']).error) return null

  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-bench-mosquitto-'))
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'set_tcp_nodelay true',
      'max_queued_messages 100000',
    ].join('\n'),
  )
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' })
  for (let i = 0; i < 100 && !(await isListening('127.0.0.1', port)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Round trips of a bare QoS 1 echo (one client answers another) through a
 * broker: the floor under every request/response time measured through it.
 */
export async function echoRoundTrips(url: string, count: number): Promise<number[]> {
  const { default: mqtt } = await import('mqtt')
  const options = { clean: true, reconnectPeriod: 0 }
  const echo = await mqtt.connectAsync(url, options)
  const asker = await mqtt.connectAsync(url, options)
  for (const client of [echo, asker]) {
    ;(client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
  }
  const topic = `bench-echo-${process.pid}-${Date.now()}`
  await echo.subscribeAsync(`${topic}/ask`, { qos: 1 })
  await asker.subscribeAsync(`${topic}/answer`, { qos: 1 })
  echo.on('message', (_topic, payload) => {
    void echo.publishAsync(`${topic}/answer`, payload, { qos: 1 })
  })

  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await new Promise<void>((resolve) => {
      asker.once('message', () => resolve())
      void asker.publishAsync(`${topic}/ask`, String(i), { qos: 1 })
    })
    times.push(performance.now() - started)
  }
  await Promise.all([echo.endAsync(), asker.endAsync()])

  return times
}
