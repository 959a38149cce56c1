import { expect } from 'chai'
import { App } from '../../src/app/app.js'
import { createLogger } from '../../src/log/logger.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { frigateMessage } from '../support/frigate.js'

// Frigate keeps no history: what reaches the service while it is down is what
// the broker queued in its persistent session (clean: false, fixed client id).
describeMatrix('persistent session across a restart', { engines: ['sqlite'] }, (env) => {
  const service = useService(env)
  let restarted: App | undefined

  afterEach(async function () {
    await restarted?.stop()
    restarted = undefined
  })

  it('stores the events published while the service was stopped', async function () {
    const s = service()
    const ids = Array.from({ length: 25 }, (_, i) => `1718987300.${i}-away`)

    await s.app.stop()
    for (const id of ids) {
      await s.publish(s.frigateEvents, JSON.stringify(frigateMessage('new', id)))
    }
    restarted = new App({ config: s.config, logger: createLogger('silent') })
    await restarted.start()
    const page = await eventually(async () => {
      const reply = await s.request('events/query', { limit: 100 })
      expect(reply.data.events).to.have.length(ids.length)
      return reply.data.events
    })

    expect(page.map((e) => e.id).sort()).to.deep.equal([...ids].sort())
  })
})
