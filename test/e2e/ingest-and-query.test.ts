import { expect } from 'chai'
import { ENGINE_NAMES } from '../support/engines.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { frigateMessage } from '../support/frigate.js'

const PERSON = '1718987128.947436-g92ztx'
const CAR = '1718987200.101010-abc123'
const RING = 'ring-0001'

describeMatrix(
  'ingest and query through the broker',
  { engines: ENGINE_NAMES },
  (env) => {
    const service = useService(env)

    /** Publishes three events of different kinds and waits until all are stored. */
    async function publishThree(): Promise<void> {
      const s = service()
      const person = frigateMessage('new', PERSON, {
        sub_label: ['alice', 0.91],
        entered_zones: ['porch'],
        has_snapshot: true,
      })
      const car = frigateMessage('end', CAR, {
        camera: 'back_yard',
        label: 'car',
        start_time: 1_718_987_200,
        frame_time: 1_718_987_230,
        end_time: 1_718_987_230,
        top_score: 0.6,
        score: 0.55,
        has_clip: true,
      })
      const ring = {
        event_id: RING,
        event_type: 'doorbell_pressed',
        timestamp: 1_718_987_300,
        source: 'doorbell',
        camera: 'front_door',
        confidence: 0.95,
      }

      await s.publish(s.frigateEvents, JSON.stringify(person))
      await s.publish(s.frigateEvents, JSON.stringify(car))
      await s.publish(`${s.names.baseTopic}/ingest/event`, JSON.stringify(ring))
      await eventually(async () => {
        const reply = await s.request('events/query', {})
        expect(reply.data.events).to.have.length(3)
      })
    }

    async function idsOf(filter: Record<string, unknown>): Promise<string[]> {
      const reply = await service().request('events/query', filter)
      expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')

      return reply.data.events.map((e) => e.id)
    }

    it('stores a Frigate event published at QoS 1 and answers events/get', async function () {
      const s = service()
      const message = frigateMessage('new', PERSON, { sub_label: ['alice', 0.91] })

      await s.publish(s.frigateEvents, JSON.stringify(message))
      const reply = await eventually(async () => {
        const got = await s.request('events/get', { id: PERSON })
        expect(got.status, JSON.stringify(got.error)).to.equal('ok')
        return got
      })

      expect(reply.error).to.equal(null)
      expect(reply.data).to.include({
        id: PERSON,
        origin: 'frigate',
        camera: 'front_door',
        label: 'person',
        sub_label: 'alice',
        sub_label_score: 0.91,
        in_progress: true,
        end_time: null,
      })
      expect(reply.data.data.box).to.deep.equal([10, 20, 110, 220])
    })

    it('stores a native event published on <base>/ingest/event', async function () {
      const s = service()
      const ring = {
        event_id: RING,
        event_type: 'doorbell_pressed',
        timestamp: '2024-06-21T16:25:28Z',
        source: 'doorbell',
        processing_stage: 'completed',
      }

      await s.publish(`${s.names.baseTopic}/ingest/event`, JSON.stringify(ring))
      const reply = await eventually(async () => {
        const got = await s.request('events/get', { id: RING })
        expect(got.status).to.equal('ok')
        return got
      })

      expect(reply.data).to.include({
        id: RING,
        origin: 'native',
        event_type: 'doorbell_pressed',
        source: 'doorbell',
        start_time: Date.parse('2024-06-21T16:25:28Z') / 1000,
        processing_stage: 'completed',
        in_progress: false,
      })
    })

    it('narrows events/query by each filter when events of several kinds are stored', async function () {
      await publishThree()

      expect(await idsOf({})).to.deep.equal([RING, CAR, PERSON])
      expect(await idsOf({ sort: 'start_time_asc' })).to.deep.equal([PERSON, CAR, RING])
      expect(await idsOf({ cameras: ['back_yard'] })).to.deep.equal([CAR])
      expect(await idsOf({ cameras: ['front_door'] })).to.deep.equal([RING, PERSON])
      expect(await idsOf({ labels: ['person'] })).to.deep.equal([PERSON])
      expect(await idsOf({ sub_labels: ['alice'] })).to.deep.equal([PERSON])
      expect(await idsOf({ zones: ['porch'] })).to.deep.equal([PERSON])
      expect(await idsOf({ event_types: ['doorbell_pressed'] })).to.deep.equal([RING])
      expect(await idsOf({ in_progress: true })).to.deep.equal([PERSON])
      expect(await idsOf({ in_progress: false })).to.deep.equal([RING, CAR])
      expect(await idsOf({ has_clip: true })).to.deep.equal([CAR])
      expect(await idsOf({ has_snapshot: true })).to.deep.equal([PERSON])
      expect(await idsOf({ min_score: 0.7 })).to.deep.equal([RING, PERSON])
      expect(await idsOf({ after: 1_718_987_200, before: 1_718_987_300 })).to.deep.equal([
        CAR,
      ])
      expect(await idsOf({ cameras: ['front_door'], labels: ['car'] })).to.deep.equal([])
    })

    it('pages events/query with next_cursor when the limit is below the count', async function () {
      await publishThree()

      const first = await service().request('events/query', { limit: 2 })
      const second = await service().request('events/query', {
        limit: 2,
        cursor: first.data.next_cursor,
      })

      expect(first.data.events.map((e) => e.id)).to.deep.equal([RING, CAR])
      expect(first.data.next_cursor).to.be.a('string')
      expect(second.data.events.map((e) => e.id)).to.deep.equal([PERSON])
      expect(second.data.next_cursor).to.equal(null)
    })

    it('echoes the transaction, string or number, in every response', async function () {
      const s = service()
      await s.publish(s.frigateEvents, JSON.stringify(frigateMessage('new', PERSON)))
      await eventually(async () => {
        expect((await s.request('events/get', { id: PERSON })).status).to.equal('ok')
      })

      const text = await s.request(
        'events/get',
        JSON.stringify({ id: PERSON, transaction: 'tx-1' }),
      )
      const number = await s.request('events/query', JSON.stringify({ transaction: 42 }))
      const missing = await s.request(
        'events/get',
        JSON.stringify({ id: 'nope', transaction: 7 }),
      )

      expect(text).to.include({ status: 'ok', transaction: 'tx-1' })
      expect(number).to.include({ status: 'ok', transaction: 42 })
      expect(missing).to.include({ status: 'error', transaction: 7, data: null })
      expect(missing.error).to.include({ code: 'NOT_FOUND', field: 'id' })
    })
  },
)
