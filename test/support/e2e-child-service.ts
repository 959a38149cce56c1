import { rmSync } from 'node:fs'
import type { MqttClient } from 'mqtt'
import { e2eNames, forgetService, type E2eBroker, type E2eNames } from './e2e-brokers.js'
import { spawnCli, writeConfigFile, type ChildService } from './e2e-child.js'
import { e2eSettings, tempDir, type E2eOverrides } from './e2e-service.js'
import { watchTopic, type TopicLog } from './e2e-wait.js'
import { createTestDatabase, type EngineName, type TestDatabase } from './engines.js'
import { connectClient } from './mqtt-client.js'

const START_TIMEOUT_MS = 20_000

/**
 * The service as a child process with one config file, started (and killed)
 * as often as a test likes; each start keeps the same client id and inbox.
 */
export interface ChildHarness {
  names: E2eNames
  database: TestDatabase
  /** The durable inbox file every start of the service shares. */
  inboxPath: string
  /** Every payload on <base>/available since the harness was set up. */
  availability: TopicLog
  /** Spawns `start` and resolves once it has announced itself online. */
  start(): Promise<ChildService>
  close(): Promise<void>
}

export async function childHarness(
  broker: E2eBroker,
  engine: EngineName,
  overrides: E2eOverrides = {},
): Promise<ChildHarness> {
  const names = e2eNames()
  const dir = tempDir()
  const database = await createTestDatabase(engine)
  const settings = e2eSettings({
    brokerUrl: broker.url,
    names,
    storage: database.settings,
    dir,
    ...overrides,
  })
  const configFile = writeConfigFile(dir, settings)
  const watcher: MqttClient = await connectClient(broker.url)
  const availability = await watchTopic(watcher, `${names.baseTopic}/available`)
  const children: ChildService[] = []

  return {
    names,
    database,
    inboxPath: settings.ingest.inboxPath,
    availability,
    start: async () => {
      const from = availability.messages.length
      const child = spawnCli(['start'], configFile)
      children.push(child)
      const failed = child.exited.then((exit) => {
        throw new Error(
          `the service exited (${exit.code ?? exit.signal}):\n${child.output()}`,
        )
      })
      // The race handles `failed` also when the child exits much later.
      await Promise.race([availability.next('online', from, START_TIMEOUT_MS), failed])
      return child
    },
    close: async () => {
      for (const child of children) {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          child.process.kill('SIGKILL')
          await child.exited
        }
      }
      await watcher.endAsync()
      await forgetService(broker, names)
      await database.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
