import { expect } from 'chai'
import { childHarness, type ChildHarness } from '../support/e2e-child-service.js'
import { exitWithin } from '../support/e2e-child.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { readRetained } from '../support/e2e-wait.js'

describeMatrix('availability in process', { engines: ['sqlite'] }, (env) => {
  const service = useService(env)

  it('retains online after start and offline after a clean stop', async function () {
    const { app, names } = service()
    const topic = `${names.baseTopic}/available`

    const whileUp = await readRetained(env().broker.url, topic)
    await app.stop()
    const afterStop = await readRetained(env().broker.url, topic)

    expect(whileUp).to.equal('online')
    expect(afterStop).to.equal('offline')
  })
})

describeMatrix('availability of the service process', { engines: ['sqlite'] }, (env) => {
  let harness: ChildHarness | undefined

  afterEach(async function () {
    await harness?.close()
    harness = undefined
  })

  it('goes offline by the Last Will on kill -9 and by a clean stop on SIGTERM', async function () {
    this.timeout(40_000)
    harness = await childHarness(env().broker, env().engine)
    const topic = `${harness.names.baseTopic}/available`
    const url = env().broker.url

    const first = await harness.start()
    const online = await readRetained(url, topic)
    const mark = harness.availability.messages.length
    first.process.kill('SIGKILL')
    const killed = await exitWithin(first, 5000)
    await harness.availability.next('offline', mark)
    const afterKill = await readRetained(url, topic)

    const second = await harness.start()
    const onlineAgain = await readRetained(url, topic)
    second.process.kill('SIGTERM')
    const stopped = await exitWithin(second, 10_000)
    const afterStop = await readRetained(url, topic)

    expect(online).to.equal('online')
    expect(killed.signal).to.equal('SIGKILL')
    expect(afterKill).to.equal('offline')
    expect(onlineAgain).to.equal('online')
    expect(stopped.code, stopped.stderr).to.equal(0)
    expect(stopped.stderr).to.equal('')
    expect(afterStop).to.equal('offline')
  })
})
