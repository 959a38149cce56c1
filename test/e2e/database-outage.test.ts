import { expect } from 'chai'
import type { MqttClient } from 'mqtt'
import { rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { App } from '../../src/app/app.js'
import { createLogger } from '../../src/log/logger.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { e2eNames, forgetService, type E2eBroker } from '../support/e2e-brokers.js'
import { checkedRequest } from '../support/e2e-contract.js'
import { describeMatrix, e2eConfig, tempDir } from '../support/e2e-service.js'
import { TcpProxy } from '../support/e2e-tcp-proxy.js'
import { countRows, storedEventIds } from '../support/e2e-rows.js'
import { eventually } from '../support/e2e-wait.js'
import { createTestDatabase } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { connectClient } from '../support/mqtt-client.js'

type Cleanup = () => Promise<void> | void

describeMatrix('PostgreSQL outage', { engines: ['postgres'] }, (env) => {
  const cleanups: Cleanup[] = []

  afterEach(async function () {
    for (const step of cleanups.splice(0).reverse()) await step()
  })

  it('buffers in the inbox while PostgreSQL is away and applies everything once after', async function () {
    this.timeout(30_000)
    const { proxy, direct, client, base, frigateEvents } = await startBehindProxy(
      env().broker,
      cleanups,
    )
    const ids = Array.from({ length: 130 }, (_, i) => `${1_718_990_000 + i}.25-out${i}`)
    const publish = (from: number, to: number) =>
      publishEvents(client, frigateEvents, ids.slice(from, to))
    const health = async () => (await checkedRequest(client, base, 'health')).data

    await publish(0, 40)
    await eventually(async () => expect(await countRows(direct, 'events')).to.equal(40))
    const during = publish(40, 100)
    await proxy.cut()
    await during
    await publish(100, 130)
    const down = await eventually(async () => {
      const report = await health()
      expect(report.ingest.received).to.equal(130)
      expect(report.ingest.pending).to.be.at.least(30)
      return report
    })
    const query = await checkedRequest(client, base, 'events/query')

    await proxy.restore()
    await eventually(
      async () => expect(await countRows(direct, 'events')).to.equal(130),
      {
        timeoutMs: 10_000,
      },
    )
    const stored = await storedEventIds(direct)
    const up = await health()

    expect(down.status).to.equal('degraded')
    expect(down.storage.reachable).to.equal(false)
    expect(down.problems).to.include('database unreachable; messages wait in the inbox')
    expect(query.status).to.equal('error')
    expect(query.error?.code).to.equal('UNAVAILABLE')
    expect(stored).to.deep.equal([...ids].sort())
    expect(await countRows(direct, 'dead_letters')).to.equal(0)
    expect(up).to.deep.include({ status: 'ok', problems: [] })
    expect(up.ingest).to.include({ received: 130, pending: 0, dead_lettered: 0 })
  })
})

/**
 * The service in this process on a fresh PostgreSQL schema reached through a
 * proxy; the test reads the same schema directly.
 */
async function startBehindProxy(broker: E2eBroker, cleanups: Cleanup[]) {
  const names = e2eNames()
  const database = await createTestDatabase('postgres')
  cleanups.push(() => database.drop())
  const target = new URL(database.settings.url)
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  await proxy.start()
  cleanups.push(() => proxy.stop())
  const dir = tempDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  cleanups.push(() => forgetService(broker, names))

  const proxied = new URL(database.settings.url)
  proxied.port = String(proxy.port)
  const storage = { ...database.settings, url: proxied.toString() }
  const config = e2eConfig({ brokerUrl: broker.url, names, storage, dir })
  const app = new App({ config, logger: createLogger('silent') })
  cleanups.push(() => app.stop())
  await app.start()

  const direct = openEngine(database.settings)
  await direct.start()
  cleanups.push(() => direct.stop())
  const client = await connectClient(broker.url)
  cleanups.push(() => client.endAsync())
  ;(client.stream as Socket).setNoDelay(true)

  return {
    proxy,
    direct,
    client,
    base: names.baseTopic,
    frigateEvents: `${names.frigatePrefix}/events`,
  }
}

async function publishEvents(client: MqttClient, topic: string, ids: string[]) {
  await Promise.all(
    ids.map((id) => {
      const message = frigateMessage('end', id, { end_time: 1_718_990_500 })
      return client.publishAsync(topic, JSON.stringify(message), { qos: 1 })
    }),
  )
}
