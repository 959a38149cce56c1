import { expect } from 'chai'
import { mkdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js'
import {
  exitWithin,
  spawnCli,
  writeConfigFile,
  type ChildExit,
} from '../support/e2e-child.js'
import { freePort, listenOn } from '../support/e2e-ports.js'
import { tempDir } from '../support/e2e-service.js'

const EXIT_TIMEOUT_MS = 30_000

/** What the operator sees: stderr's lines, and the exit code. */
interface Outcome {
  code: number | null
  lines: string[]
  stderr: string
}

/**
 * Every case runs its own CLI process; they start together in `before`, so
 * the suite waits for one startup instead of five.
 */
describe('startup failures of the service process', function () {
  const outcomes = new Map<string, Promise<Outcome>>()
  const servers: Server[] = []
  let broker: Aedes | undefined
  let accepting: EmbeddedBroker | undefined
  let dir = ''

  before(async function () {
    dir = tempDir()
    const refusing = await refusingBroker()
    broker = refusing.broker
    // Accepts connections and never answers: a TCP service that is not MQTT.
    const silent = createServer(() => undefined)
    servers.push(refusing.server, silent)
    const refusingPort = await listenOn(refusing.server)
    const silentPort = await listenOn(silent)
    const closedPort = await freePort()
    accepting = new EmbeddedBroker({ port: 0, host: '127.0.0.1' })
    await accepting.start()

    start('database', {
      mqtt: { url: `mqtt://127.0.0.1:${accepting.port}` },
      storage: { url: 'postgres://postgres:s3cret@127.0.0.1:1/x' },
    })
    start('credentials', {
      mqtt: {
        url: `mqtt://127.0.0.1:${refusingPort}`,
        username: 'frigate',
        password: 'hunter2',
      },
    })
    start(
      'config',
      {
        mqtt: { protocolVersion: 7, bogus: true },
        ingest: { batchSize: 0 },
        storage: { schema: 'Bad-Name' },
        log: { level: 'loud' },
      },
      { DOORBELL_STORAGE_MQTT_NOPE: '1' },
    )
    start('broker', {
      mqtt: { url: `mqtt://127.0.0.1:${closedPort}`, connectTimeoutMs: 500 },
    })
    start('not-mqtt', {
      mqtt: { url: null, embeddedPort: silentPort, connectTimeoutMs: 500 },
    })
  })

  after(async function () {
    for (const server of servers) server.close()
    if (broker) await new Promise<void>((resolve) => broker?.close(() => resolve()))
    await accepting?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Writes the case's config (over working defaults) and spawns `start`. */
  function start(name: string, settings: Record<string, object>, env = {}): void {
    const caseDir = join(dir, name)
    mkdirSync(caseDir)
    const file = writeConfigFile(caseDir, {
      ...settings,
      mqtt: { clientId: `e2e-${name}`, watchBrokerDrops: false, ...settings.mqtt },
      storage: { url: join(caseDir, 'db.sqlite'), ...settings.storage },
      ingest: { inboxPath: join(caseDir, 'inbox.db'), ...settings.ingest },
      log: { level: 'warn', ...settings.log },
    })
    const result = exitWithin(spawnCli(['start'], file, env), EXIT_TIMEOUT_MS).then(
      toOutcome,
    )

    // Its test reports a failure; a case left out by --grep must not be unhandled.
    result.catch(() => undefined)
    outcomes.set(name, result)
  }

  async function outcome(name: string): Promise<Outcome> {
    const result = await outcomes.get(name)
    if (!result) throw new Error(`no case ${name}`)

    return result
  }

  function expectOneLine(result: Outcome): string {
    expect(result.code, result.stderr).to.equal(1)
    expect(result.lines, result.stderr).to.have.length(1)
    expect(result.lines[0]).to.match(/^doorbell-storage: /)

    return result.lines[0] ?? ''
  }

  it('names PostgreSQL and the setting to fix when the database is unreachable', async function () {
    this.timeout(EXIT_TIMEOUT_MS)
    const line = expectOneLine(await outcome('database'))

    expect(line).to.include(
      'cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:1/x',
    )
    expect(line).to.include('ECONNREFUSED')
    expect(line).to.include('start PostgreSQL or correct storage.url')
    expect(line).not.to.include('s3cret')
  })

  it('names the user and the settings when the broker refuses the credentials', async function () {
    this.timeout(EXIT_TIMEOUT_MS)
    const line = expectOneLine(await outcome('credentials'))

    expect(line).to.match(
      /the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ refused user "frigate"/,
    )
    expect(line).to.include('check mqtt.username and mqtt.password')
    expect(line).not.to.include('hunter2')
  })

  it('lists every problem of an invalid configuration at once', async function () {
    this.timeout(EXIT_TIMEOUT_MS)
    const result = await outcome('config')
    const problems = result.lines.slice(1)

    expect(result.code, result.stderr).to.equal(1)
    expect(result.lines[0]).to.equal('doorbell-storage: invalid configuration:')
    for (const setting of [
      'DOORBELL_STORAGE_MQTT_NOPE: no such setting',
      'mqtt.protocolVersion (DOORBELL_STORAGE_MQTT_PROTOCOL_VERSION)',
      'mqtt.bogus (DOORBELL_STORAGE_MQTT_BOGUS) is not a known field',
      'ingest.batchSize (DOORBELL_STORAGE_INGEST_BATCH_SIZE)',
      'storage.schema (DOORBELL_STORAGE_STORAGE_SCHEMA)',
      'log.level (DOORBELL_STORAGE_LOG_LEVEL)',
    ]) {
      expect(
        problems.some((p) => p.includes(setting)),
        `${setting} in\n${result.stderr}`,
      ).to.be.true
    }
    expect(problems.every((p) => p.startsWith('  - '))).to.equal(true)
  })

  it('gives up after connectTimeoutMs when the configured broker is unreachable', async function () {
    this.timeout(EXIT_TIMEOUT_MS)
    const line = expectOneLine(await outcome('broker'))

    expect(line).to.match(
      /cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ within 500 ms/,
    )
    expect(line).to.include('ECONNREFUSED')
    expect(line).to.include('start the broker or correct mqtt.url')
  })

  it('gives up after connectTimeoutMs when the embedded port holds something not MQTT', async function () {
    this.timeout(EXIT_TIMEOUT_MS)
    const line = expectOneLine(await outcome('not-mqtt'))

    expect(line).to.match(
      /cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ within 500 ms/,
    )
    expect(line).to.include('start the broker or correct mqtt.url')
  })
})

function toOutcome(exit: ChildExit): Outcome {
  const lines = exit.stderr.split('\n').filter((line) => line.trim() !== '')

  return { code: exit.code, lines, stderr: exit.stderr }
}

/** aedes refusing every client, as a broker with the wrong password would. */
async function refusingBroker(): Promise<{ broker: Aedes; server: Server }> {
  const broker = await Aedes.createBroker({
    authenticate: (_client, _username, _password, done) => done(null, false),
  })

  return { broker, server: createServer(broker.handle) }
}
