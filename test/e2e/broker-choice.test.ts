import { expect } from 'chai'
import { rmSync } from 'node:fs'
import { App } from '../../src/app/app.js'
import { createLogger } from '../../src/log/logger.js'
import { isListening } from '../../src/mqtt/broker-probe.js'
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js'
import { e2eNames } from '../support/e2e-brokers.js'
import { checkedRequest } from '../support/e2e-contract.js'
import { freePort } from '../support/e2e-ports.js'
import { e2eConfig, tempDir } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { createTestDatabase, type TestDatabase } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { connectClient } from '../support/mqtt-client.js'

describe('broker choice when mqtt.url is null', function () {
  const names = e2eNames()
  let database: TestDatabase | undefined
  let dir = ''
  let app: App | undefined
  let broker: EmbeddedBroker | undefined

  beforeEach(async function () {
    database = await createTestDatabase('sqlite')
    dir = tempDir()
  })

  afterEach(async function () {
    await app?.stop()
    await broker?.stop()
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
    app = broker = database = undefined
  })

  function startApp(port: number): Promise<void> {
    if (!database) throw new Error('no database: used outside a test')
    const config = e2eConfig({
      brokerUrl: null,
      names,
      storage: database.settings,
      dir,
      mqtt: { embeddedPort: port },
    })
    app = new App({ config, logger: createLogger('silent') })

    return app.start()
  }

  it('starts the embedded broker on a free embeddedPort and frees it on stop', async function () {
    const port = await freePort()
    const url = `mqtt://127.0.0.1:${port}`

    await startApp(port)
    const client = await connectClient(url)
    await client.publishAsync(
      `${names.frigatePrefix}/events`,
      JSON.stringify(frigateMessage('new', 'embedded-1')),
      { qos: 1 },
    )
    const stored = await eventually(async () => {
      const reply = await checkedRequest(client, names.baseTopic, 'events/get', {
        id: 'embedded-1',
      })
      expect(reply.status).to.equal('ok')
      return reply
    })
    const health = await checkedRequest(client, names.baseTopic, 'health')
    await client.endAsync()
    await app?.stop()

    expect(stored.data.id).to.equal('embedded-1')
    expect(health.data.mqtt).to.deep.equal({
      connected: true,
      broker: 'embedded',
      protocol_version: 4,
    })
    expect(await isListening('127.0.0.1', port)).to.equal(false)
  })

  it('uses the broker that already listens on embeddedPort', async function () {
    broker = new EmbeddedBroker({ port: 0, host: '127.0.0.1' })
    await broker.start()

    await startApp(broker.port)
    const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`)
    const health = await checkedRequest(client, names.baseTopic, 'health')
    await client.endAsync()

    expect(health.data.mqtt).to.include({ connected: true, broker: 'external' })
  })
})
