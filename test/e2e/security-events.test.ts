import { rmSync } from 'node:fs'
import { expect } from 'chai'
import type { WireEventDetails } from '../../src/api/handlers/events.js'
import type { WireReviewPage } from '../../src/api/handlers/reviews.js'
import { App } from '../../src/app/app.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/log/logger.js'
import { e2eNames } from '../support/e2e-brokers.js'
import { checkedRequest } from '../support/e2e-contract.js'
import { ENGINE_NAMES, createTestDatabase } from '../support/engines.js'
import {
  describeMatrix,
  e2eSettings,
  tempDir,
  useService,
} from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { frigateMessage } from '../support/frigate.js'
import { faceResult, reviewMessage } from '../support/frigate-security.js'
import { connectClient } from '../support/mqtt-client.js'

const PERSON = '1718987128.947436-g92ztx'
const REVIEW = '1718987128.9-rev001'
const START = 1_718_987_128.9

describeMatrix(
  'security events through the broker',
  { brokers: ['aedes'], engines: ENGINE_NAMES },
  (env) => {
    const service = useService(env)

    it('joins a review, an event and a face result published out of order', async function () {
      const s = service()
      const frigate = s.names.frigatePrefix
      const review = reviewMessage('end', REVIEW, {
        start_time: START,
        end_time: START + 12,
        data: {
          detections: [PERSON],
          objects: ['person-verified'],
          sub_labels: ['alice'],
          zones: ['porch'],
        },
      })
      const ended = frigateMessage('end', PERSON, {
        frame_time: START + 12,
        end_time: START + 12,
        entered_zones: ['porch'],
      })
      const opened = frigateMessage('new', PERSON, { frame_time: START + 0.5 })

      await s.publish(
        `${frigate}/tracked_object_update`,
        JSON.stringify(faceResult(PERSON, 'alice', 0.88, START + 3)),
      )
      await s.publish(`${frigate}/reviews`, JSON.stringify(review))
      await s.publish(s.frigateEvents, JSON.stringify(ended))
      await s.publish(s.frigateEvents, JSON.stringify(opened))

      const event = await eventually(async () => {
        const got = await s.request('events/get', { id: PERSON })
        expect(got.status, JSON.stringify(got.error)).to.equal('ok')
        const data = got.data as WireEventDetails
        expect(data.timeline).to.have.length(4)
        return data
      })
      const reviews = (
        await s.request('reviews/query', {
          objects: ['person-verified'],
          sub_labels: ['alice'],
        })
      ).data as WireReviewPage
      const byPerson = await s.request('events/query', { persons: ['alice'] })

      expect(event).to.deep.include({ person: 'alice', in_progress: false })
      // The porch was first seen in the end state, so it is entered at the end.
      expect(event.timeline.map((e) => [e.kind, e.time])).to.deep.equal([
        ['started', START],
        ['face', START + 3],
        ['zone_entered', START + 12],
        ['ended', START + 12],
      ])
      expect(event.reviews.map((r) => r.id)).to.deep.equal([REVIEW])
      expect(reviews.reviews.map((r) => r.id)).to.deep.equal([REVIEW])
      expect(reviews.reviews[0]).to.deep.include({
        severity: 'alert',
        in_progress: false,
        detections: [PERSON],
      })
      expect(byPerson.data.events.map((e) => e.id)).to.deep.equal([PERSON])
    })
  },
)

describeMatrix(
  'events.faceMinScore in the running service',
  { brokers: ['aedes'], engines: ENGINE_NAMES },
  (env) => {
    let cleanups: (() => Promise<unknown> | void)[] = []

    afterEach(async function () {
      const steps = cleanups.reverse()
      cleanups = []
      for (const step of steps) await step()
    })

    it('names the person only from face results at or above the configured score', async function () {
      const { broker, engine } = env()
      const names = e2eNames()
      const database = await createTestDatabase(engine)
      cleanups.push(() => database.drop())
      const dir = tempDir()
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
      const settings = e2eSettings({
        brokerUrl: broker.url,
        names,
        storage: database.settings,
        dir,
      })
      const overrides = { ...settings, events: { faceMinScore: 0.9 } }
      const config = loadConfig({ skipDefaultFile: true, env: {}, overrides })
      const app = new App({ config, logger: createLogger('silent') })
      cleanups.push(() => app.stop())
      await app.start()
      const client = await connectClient(broker.url)
      cleanups.push(() => client.endAsync())
      const results = `${names.frigatePrefix}/tracked_object_update`

      await client.publishAsync(
        `${names.frigatePrefix}/events`,
        JSON.stringify(frigateMessage('new', PERSON)),
        { qos: 1 },
      )
      await client.publishAsync(
        results,
        JSON.stringify(faceResult(PERSON, 'bob', 0.92, START + 1)),
        { qos: 1 },
      )
      await client.publishAsync(
        results,
        JSON.stringify(faceResult(PERSON, 'alice', 0.85, START + 2)),
        { qos: 1 },
      )

      // alice is the later result, but only bob's score reaches 0.9.
      await eventually(async () => {
        const got = await checkedRequest(client, names.baseTopic, 'events/get', {
          id: PERSON,
        })
        const event = got.data as WireEventDetails
        expect(event.results).to.have.length(2)
        expect(event.person).to.equal('bob')
      })
    })
  },
)
