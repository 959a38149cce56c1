import { expect } from 'chai'
import {
  mapTrackedObjectUpdate,
  resultTimelineEntry,
  type TrackedObjectUpdateMessage,
} from '../../src/ingest/mappers/tracked-object-update-mapper.js'

const EVENT = '1718987128.947436-g92ztx'
const RECEIVED_AT = 1_718_990_000
const T = 1_718_987_130.25

function map(message: Record<string, unknown>, receivedAt = RECEIVED_AT) {
  return mapTrackedObjectUpdate(
    { id: EVENT, ...message } as TrackedObjectUpdateMessage,
    receivedAt,
  )
}

describe('mapTrackedObjectUpdate', () => {
  const cases: [string, Record<string, unknown>, string | null, string | null][] = [
    ['a face', { type: 'face', name: 'alice', score: 0.8 }, 'alice', null],
    ['an unmatched face', { type: 'face', name: null, score: 0.2 }, null, null],
    [
      'a plate',
      { type: 'lpr', name: 'my car', plate: 'AB 123', score: 0.9 },
      'my car',
      'AB 123',
    ],
    [
      'a description',
      { type: 'description', description: 'A courier.' },
      null,
      'A courier.',
    ],
    [
      'a classification as sub label',
      { type: 'classification', model: 'birds', sub_label: 'robin', score: 0.7 },
      'birds',
      'robin',
    ],
    [
      'a classification as attribute',
      { type: 'classification', model: 'hats', attribute: 'cap', score: 0.7 },
      'hats',
      'cap',
    ],
    [
      'a type it does not know',
      { type: 'gait', name: 'alice', stride: 3 },
      'alice',
      null,
    ],
  ]

  for (const [what, message, name, value] of cases) {
    it(`reads the name and value of ${what}`, () => {
      const result = map({ camera: 'front_door', timestamp: T, ...message })

      expect(result).to.deep.include({
        eventId: EVENT,
        kind: message.type,
        time: T,
        name,
        value,
        camera: 'front_door',
        receivedAt: RECEIVED_AT,
      })
      expect(result.data).to.deep.include(message)
    })
  }

  it('takes the receive time when the message has no timestamp', () => {
    const result = map({ type: 'description', description: 'x' }, RECEIVED_AT + 7)

    expect(result.time).to.equal(RECEIVED_AT + 7)
  })

  it('keeps score and camera null when the message lacks them', () => {
    const result = map({ type: 'description', description: 'x' })

    expect(result).to.include({ score: null, camera: null })
  })

  it('gives the same key to the same message whatever its field order or receive time', () => {
    const a = map({ type: 'face', name: 'alice', score: 0.8, timestamp: T })
    const b = map(
      { timestamp: T, score: 0.8, name: 'alice', type: 'face' },
      RECEIVED_AT + 60,
    )
    const c = map({ type: 'face', name: 'alice', score: 0.81, timestamp: T })

    expect(a.key).to.equal(b.key)
    expect(a.key).to.not.equal(c.key)
    expect(a.key).to.match(/^[0-9a-f]{32}$/)
  })

  it('makes a timeline entry of the same kind, time and key with the values it has', () => {
    const result = map({
      type: 'lpr',
      name: null,
      plate: 'AB 123',
      score: 0.9,
      timestamp: T,
    })

    expect(resultTimelineEntry(result)).to.deep.equal({
      eventId: EVENT,
      kind: 'lpr',
      key: result.key,
      time: T,
      detail: { value: 'AB 123', score: 0.9 },
    })
  })
})
