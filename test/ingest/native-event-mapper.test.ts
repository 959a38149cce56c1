import { expect } from 'chai'
import {
  PROCESSING_STAGES,
  mapNativeEvent,
  nativeEventStage,
  nativeEventTimeline,
  type NativeEventMessage,
} from '../../src/ingest/mappers/native-event-mapper.js'
import { compareRevisions } from '../../src/storage/repositories/event-record.js'

const RECEIVED_AT = 1_718_990_000

function map(overrides: Partial<NativeEventMessage> = {}) {
  return mapNativeEvent(
    {
      event_id: 'evt-1',
      event_type: 'doorbell_pressed',
      timestamp: 1_718_987_128.5,
      source: 'doorbell',
      ...overrides,
    },
    RECEIVED_AT,
  )
}

describe('mapNativeEvent', () => {
  it('reads a timestamp given as unix seconds or as an ISO date-time', () => {
    const iso = map({ timestamp: '2024-06-21T16:25:28.500Z' })

    expect(map().startTime).to.equal(1_718_987_128.5)
    expect(iso.startTime).to.equal(1_718_987_128.5)
    expect(iso.endTime).to.equal(iso.startTime)
  })

  it('throws, to dead-letter it, on a date-time that has no unix time', () => {
    for (const timestamp of ['2016-12-31T23:59:60Z', '2024-06-21T16:25:28+02']) {
      expect(() => map({ timestamp }), timestamp).to.throw(/timestamp/)
    }
  })

  it('ranks each processing stage above the ones before it', () => {
    const revisions = PROCESSING_STAGES.map(
      (stage) => map({ processing_stage: stage }).revision,
    )

    for (let i = 1; i < revisions.length; i++) {
      const [earlier, later] = [revisions[i - 1], revisions[i]]
      if (!earlier || !later) throw new Error('missing revision')
      expect(compareRevisions(later, earlier), PROCESSING_STAGES[i]).to.be.above(0)
    }
  })

  it('ranks no stage and an unknown stage below received', () => {
    const received = map({ processing_stage: 'received' }).revision

    expect(compareRevisions(map().revision, received)).to.be.below(0)
    expect(
      compareRevisions(map({ processing_stage: 'mystery' }).revision, received),
    ).to.be.below(0)
  })

  it('closes the revision on completed and failed only', () => {
    const closed = PROCESSING_STAGES.map(
      (stage) => map({ processing_stage: stage }).revision.closed,
    )

    expect(closed).to.deep.equal([0, 0, 0, 0, 1, 1])
  })

  it('reads label, person and string zones from data', () => {
    const record = map({
      camera: 'front_door',
      confidence: 0.8,
      data: { label: 'person', person: 'alice', zones: ['porch', 7, 'steps'] },
      parent_event_id: 'evt-0',
    })

    expect(record).to.include({
      origin: 'native',
      eventType: 'doorbell_pressed',
      camera: 'front_door',
      label: 'person',
      subLabel: 'alice',
      source: 'doorbell',
      score: 0.8,
      topScore: 0.8,
      parentEventId: 'evt-0',
      updatedAt: RECEIVED_AT,
    })
    expect(record.zones).to.deep.equal(['porch', 'steps'])
  })

  it('leaves what the message does not say empty', () => {
    const record = map()

    expect(record).to.include({
      camera: null,
      label: null,
      subLabel: null,
      score: null,
      topScore: 0,
      processingStage: null,
      parentEventId: null,
    })
    expect(record.zones).to.deep.equal([])
  })

  it('keeps the whole message as data', () => {
    const message = {
      event_id: 'evt-2',
      event_type: 'package_delivered',
      timestamp: 1,
      source: 'doorbell',
      enrichments: { carrier: 'ups' },
    }

    expect(mapNativeEvent(message, RECEIVED_AT).data).to.deep.equal(message)
  })
})

describe('nativeEventStage', () => {
  const message = (overrides: Partial<NativeEventMessage> = {}): NativeEventMessage => ({
    event_id: 'evt-1',
    event_type: 'face_recognized',
    timestamp: 1_718_987_128.5,
    source: 'doorbell',
    ...overrides,
  })

  it('keeps the enrichments and errors of the message under its stage', () => {
    const stage = nativeEventStage(
      message({
        processing_stage: 'enriched',
        enrichments: { person: 'alice' },
        errors: ['timeout', { stage: 'enriched', message: 'no plate' }],
      }),
      RECEIVED_AT,
    )

    expect(stage).to.deep.equal({
      eventId: 'evt-1',
      stage: 'enriched',
      rank: PROCESSING_STAGES.indexOf('enriched'),
      enrichments: { person: 'alice' },
      errors: ['timeout', { stage: 'enriched', message: 'no plate' }],
      receivedAt: RECEIVED_AT,
    })
  })

  it('ranks a stage it does not know as -1 and reads missing parts as empty', () => {
    const stage = nativeEventStage(message({ processing_stage: 'audited' }), RECEIVED_AT)

    expect(stage).to.deep.include({ rank: -1, enrichments: null, errors: [] })
  })

  it('gives nothing when the message names no stage', () => {
    expect(nativeEventStage(message(), RECEIVED_AT)).to.equal(undefined)
  })
})

describe('nativeEventTimeline', () => {
  it('starts the event and enters its zones at its timestamp', () => {
    const entries = nativeEventTimeline({
      event_id: 'evt-1',
      event_type: 'motion',
      timestamp: '2024-06-21T16:25:28.500Z',
      source: 'doorbell',
      data: { zones: ['porch'] },
    })

    expect(entries).to.deep.equal([
      { eventId: 'evt-1', kind: 'started', key: '', time: 1_718_987_128.5, detail: null },
      {
        eventId: 'evt-1',
        kind: 'zone_entered',
        key: 'porch',
        time: 1_718_987_128.5,
        detail: { zone: 'porch' },
      },
    ])
  })
})
