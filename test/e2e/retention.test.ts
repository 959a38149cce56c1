import { expect } from 'chai'
import { ENGINE_NAMES } from '../support/engines.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { frigateMessage } from '../support/frigate.js'

const DAY = 86_400

interface StatsData {
  total: number
  cameras: { camera: string | null; count: number }[]
}

// On SQLite the deletes run on the writer thread, beside the applier's batches.
describeMatrix(
  'retention through the service',
  { brokers: ['aedes'], engines: ENGINE_NAMES },
  (env) => {
    const service = useService(env, {
      retention: { events: { days: 30, cameras: { front_door: null } } },
    })

    it('deletes old events shortly after start and reports the run in health', async function () {
      this.timeout(30_000)
      const s = service()
      const now = Date.now() / 1000
      const tracked = (id: string, camera: string, daysAgo: number) => {
        const start = now - daysAgo * DAY
        const fields = {
          camera,
          start_time: start,
          frame_time: start + 5,
          end_time: start + 5,
        }
        return s.publish(
          s.frigateEvents,
          JSON.stringify(frigateMessage('end', id, fields)),
        )
      }
      const stats = async () => {
        const reply = await s.request('events/stats', {
          after: now - 365 * DAY,
          before: now,
        })
        expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')
        return reply.data as StatsData
      }
      const ids = async () => {
        const reply = await s.request('events/query', { limit: 50 })
        return reply.data.events.map((event) => event.id).sort()
      }

      await tracked('garden-40d', 'garden', 40)
      await tracked('garden-31d', 'garden', 31)
      await tracked('garden-1d', 'garden', 1)
      await tracked('front-200d', 'front_door', 200)
      const ring = {
        event_id: 'ring-60d',
        event_type: 'doorbell_pressed',
        source: 'doorbell',
      }
      await s.publish(
        `${s.names.baseTopic}/ingest/event`,
        JSON.stringify({ ...ring, timestamp: now - 60 * DAY }),
      )
      await eventually(async () => expect(await ids()).to.have.length(5))
      const before = await stats()
      const health = await eventually(
        async () => {
          const reply = await s.request('health')
          expect(reply.data.retention.last_run_at).to.be.a('number')
          return reply.data
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      )
      const after = await stats()

      expect(before.total).to.equal(5)
      expect(health.retention.deleted).to.deep.equal({
        events: 3,
        reviews: 0,
        dead_letters: 0,
        audit: 0,
      })
      expect(health.retention.last_error).to.equal(null)
      expect(health.retention.last_run_at).to.be.within(now, now + 20)
      expect(await ids()).to.deep.equal(['front-200d', 'garden-1d'])
      expect(after.total).to.equal(2)
      expect(after.cameras).to.have.deep.members([
        { camera: 'front_door', count: 1 },
        { camera: 'garden', count: 1 },
      ])
    })
  },
)
