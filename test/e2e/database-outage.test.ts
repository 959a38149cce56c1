import { expect } from 'chai'
import type { MqttClient } from 'mqtt'
import { rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { App } from '../../src/app/app.js'
import { createLogger } from '../../src/log/logger.js'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { sql } from '../../src/storage/sql.js'
import { e2eNames, forgetService } from '../support/e2e-brokers.js'
import { checkResponse } from '../support/e2e-contract.js'
import { describeMatrix, e2eConfig, tempDir } from '../support/e2e-service.js'
import { TcpProxy } from '../support/e2e-tcp-proxy.js'
import { eventually } from '../support/e2e-wait.js'
import { createTestDatabase } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { connectClient, request, type ResponseEnvelope } from '../support/mqtt-client.js'

interface Health {
  status: string
  problems: string[]
  storage: { reachable: boolean }
  ingest: { received: number; applied: number; pending: number; dead_lettered: number }
}

describeMatrix('PostgreSQL outage', { engines: ['postgres'] }, (env) => {
  const cleanups: (() => Promise<void> | void)[] = []

  afterEach(async function () {
    for (const step of cleanups.splice(0).reverse()) await step()
  })

  it('buffers in the inbox while PostgreSQL is away and applies everything once after', async function () {
    this.timeout(30_000)
    const { broker } = env()
    const names = e2eNames()
    const database = await createTestDatabase('postgres')
    cleanups.push(() => database.drop())
    const target = new URL(database.settings.url)
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    await proxy.start()
    cleanups.push(() => proxy.stop())
    const proxied = new URL(database.settings.url)
    proxied.port = String(proxy.port)
    const dir = tempDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    cleanups.push(() => forgetService(broker, names))
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
    const ask = async (op: string, body = {}): Promise<ResponseEnvelope> =>
      checkResponse(op, await request(client, op, body, { base: names.baseTopic }))
    const health = async () => (await ask('health')).data as Health
    const ids = Array.from({ length: 130 }, (_, i) => `${1_718_990_000 + i}.25-out${i}`)
    const publish = (from: number, to: number) =>
      publishEvents(client, `${names.frigatePrefix}/events`, ids.slice(from, to))

    await publish(0, 40)
    await eventually(async () => expect(await countEvents(direct)).to.equal(40))
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
    const query = await ask('events/query')

    await proxy.restore()
    await eventually(async () => expect(await countEvents(direct)).to.equal(130), {
      timeoutMs: 10_000,
    })
    const stored = await direct.query<{ id: string }>(sql`SELECT id FROM events`)
    const deadLetters = await direct.query<{ n: number }>(
      sql`SELECT count(*) AS n FROM dead_letters`,
    )
    const up = await health()

    expect(down.status).to.equal('degraded')
    expect(down.storage.reachable).to.equal(false)
    expect(down.problems).to.include('database unreachable; messages wait in the inbox')
    expect(query.status).to.equal('error')
    expect(stored.map((r) => r.id).sort()).to.deep.equal([...ids].sort())
    expect(Number(deadLetters[0]?.n)).to.equal(0)
    expect(up).to.deep.include({ status: 'ok', problems: [] })
    expect(up.ingest).to.include({ received: 130, pending: 0, dead_lettered: 0 })
  })
})

async function publishEvents(client: MqttClient, topic: string, ids: string[]) {
  await Promise.all(
    ids.map((id) => {
      const message = frigateMessage('end', id, { end_time: 1_718_990_500 })
      return client.publishAsync(topic, JSON.stringify(message), { qos: 1 })
    }),
  )
}

async function countEvents(engine: Engine): Promise<number> {
  const rows = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM events`)

  return Number(rows[0]?.n)
}
