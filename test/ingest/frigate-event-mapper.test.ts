import { expect } from 'chai'
import {
  frigateEventTimeline,
  mapFrigateEvent,
  type FrigateEventMessage,
} from '../../src/ingest/mappers/frigate-event-mapper.js'
import {
  compareRevisions,
  type EventRecord,
} from '../../src/storage/repositories/event-record.js'
import { frigateMessage } from '../support/frigate.js'

const ID = '1718987128.947436-g92ztx'
const RECEIVED_AT = 1_718_990_000

function map(type: string, overrides: Record<string, unknown> = {}): EventRecord {
  const message = { ...frigateMessage('update', ID, overrides), type }

  return mapFrigateEvent(message, RECEIVED_AT)
}

describe('mapFrigateEvent', () => {
  describe('sub_label', () => {
    const cases: [string, unknown, string | null, number | null][] = [
      ['an array [name, score]', ['alice', 0.87], 'alice', 0.87],
      ['an array whose score is null', ['alice', null], 'alice', null],
      ['an array with a name only', ['alice'], 'alice', null],
      ['a bare string (before 0.14)', 'alice', 'alice', null],
      ['null', null, null, null],
      ['absent', undefined, null, null],
    ]

    for (const [what, value, name, score] of cases) {
      it(`reads the name and score when sub_label is ${what}`, () => {
        const record = map('update', { sub_label: value })

        expect([record.subLabel, record.subLabelScore]).to.deep.equal([name, score])
      })
    }
  })

  describe('end detection', () => {
    it('leaves the event open for new and update without end_time', () => {
      expect(map('new').endTime).to.equal(null)
      expect(map('update').endTime).to.equal(null)
      expect(map('update').revision.closed).to.equal(0)
    })

    it('ends the event at end_time on an end message', () => {
      const record = map('end', { end_time: 1_718_987_140.5 })

      expect(record.endTime).to.equal(1_718_987_140.5)
      expect(record.revision.closed).to.equal(1)
    })

    it('ends the event at frame_time when an end message has no end_time', () => {
      const record = map('end', { end_time: null, frame_time: 1_718_987_139 })

      expect(record.endTime).to.equal(1_718_987_139)
      expect(record.revision.closed).to.equal(1)
    })

    it('ends the event when an update already carries end_time', () => {
      const record = map('update', { end_time: 1_718_987_141 })

      expect(record.endTime).to.equal(1_718_987_141)
      expect(record.revision.closed).to.equal(1)
    })
  })

  describe('revision', () => {
    const at = (type: string, frameTime: number) =>
      map(type, { frame_time: frameTime }).revision

    it('orders states of one object by frame_time', () => {
      expect(compareRevisions(at('update', 2), at('update', 1))).to.be.above(0)
      expect(compareRevisions(at('update', 1), at('new', 2))).to.be.below(0)
    })

    it('ranks new below update below end at the same frame_time', () => {
      expect(compareRevisions(at('new', 1), at('update', 1))).to.be.below(0)
      expect(compareRevisions(at('update', 1), at('end', 1))).to.be.below(0)
    })

    it('ranks an end above any open state, even one with a later frame_time', () => {
      expect(compareRevisions(at('end', 1), at('update', 100))).to.be.above(0)
    })

    it('ranks an unknown type like an update', () => {
      expect(compareRevisions(at('genai', 1), at('update', 1))).to.equal(0)
    })

    it('gives a repeated message the same revision', () => {
      expect(compareRevisions(at('update', 3), at('update', 3))).to.equal(0)
    })
  })

  describe('fields', () => {
    it('copies the tracked object into the record', () => {
      const record = map('update', {
        camera: 'driveway',
        label: 'car',
        score: 0.6,
        top_score: 0.75,
        start_time: 1_718_987_100,
        has_clip: true,
        has_snapshot: true,
        entered_zones: ['street', 'yard'],
      })

      expect(record).to.include({
        id: ID,
        origin: 'frigate',
        eventType: 'tracked_object',
        source: 'frigate',
        camera: 'driveway',
        label: 'car',
        score: 0.6,
        topScore: 0.75,
        startTime: 1_718_987_100,
        hasClip: true,
        hasSnapshot: true,
        processingStage: null,
        parentEventId: null,
        updatedAt: RECEIVED_AT,
      })
      expect(record.zones).to.deep.equal(['street', 'yard'])
    })

    it('falls back from top_score to score to 0', () => {
      expect(map('new', { top_score: null, score: 0.4 }).topScore).to.equal(0.4)
      expect(map('new', { top_score: null, score: null }).topScore).to.equal(0)
      expect(map('new', { score: null }).score).to.equal(null)
    })

    it('reads null has_clip and has_snapshot as false and missing zones as none', () => {
      const record = map('new', {
        has_clip: null,
        has_snapshot: null,
        entered_zones: undefined,
      })

      expect(record).to.include({ hasClip: false, hasSnapshot: false })
      expect(record.zones).to.deep.equal([])
    })

    it('keeps the whole after object, unknown fields included, as data', () => {
      const extra = { max_severity: 'alert', new_in_0_19: { x: [1, 2] } }
      const message = frigateMessage('update', ID, extra) as FrigateEventMessage

      const record = mapFrigateEvent(message, RECEIVED_AT)

      expect(record.data).to.deep.equal(message.after)
      expect(record.data).to.deep.include(extra)
    })
  })
})

describe('frigateEventTimeline', () => {
  const timeline = (type: 'new' | 'update' | 'end', overrides: Record<string, unknown>) =>
    frigateEventTimeline(frigateMessage(type, ID, overrides))

  it('shows the start and each entered zone at the frame_time of an open state', () => {
    const entries = timeline('update', {
      start_time: 100,
      frame_time: 103,
      entered_zones: ['porch', 'steps', 'porch'],
    })

    expect(entries).to.deep.equal([
      { eventId: ID, kind: 'started', key: '', time: 100, detail: null },
      {
        eventId: ID,
        kind: 'zone_entered',
        key: 'porch',
        time: 103,
        detail: { zone: 'porch' },
      },
      {
        eventId: ID,
        kind: 'zone_entered',
        key: 'steps',
        time: 103,
        detail: { zone: 'steps' },
      },
    ])
  })

  it('adds the end at end_time, or at frame_time for an end without one', () => {
    const withEnd = timeline('end', { frame_time: 110, end_time: 109 })
    const without = timeline('end', { frame_time: 110, end_time: null })

    expect(withEnd.at(-1)).to.deep.include({ kind: 'ended', time: 109 })
    expect(without.at(-1)).to.deep.include({ kind: 'ended', time: 110 })
  })
})
