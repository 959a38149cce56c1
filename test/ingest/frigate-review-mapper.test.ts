import { expect } from 'chai'
import { mapFrigateReview } from '../../src/ingest/mappers/frigate-review-mapper.js'
import { compareRevisions } from '../../src/storage/repositories/event-record.js'
import { REVIEW_START, reviewMessage } from '../support/frigate-security.js'

const ID = '1718987128.5-r4nd0m'
const RECEIVED_AT = 1_718_990_000

function map(type: string, overrides: Record<string, unknown> = {}) {
  const message = { ...reviewMessage('update', ID, overrides), type }

  return mapFrigateReview(message, RECEIVED_AT)
}

describe('mapFrigateReview', () => {
  it('maps the review item and keeps it whole in data', () => {
    const record = map('new', {
      severity: 'detection',
      data: { objects: ['person'], detections: ['e1'], future: { x: 1 } },
      genai_summary: 'later field',
    })

    expect(record).to.deep.include({
      id: ID,
      camera: 'front_door',
      severity: 'detection',
      startTime: REVIEW_START,
      endTime: null,
      updatedAt: RECEIVED_AT,
    })
    expect(record.thumbPath).to.be.a('string')
    expect(record.data.genai_summary).to.equal('later field')
    expect((record.data.data as Record<string, unknown>).future).to.deep.equal({ x: 1 })
  })

  it('reads each list of data as sorted unique names when items repeat or are not strings', () => {
    const record = map('update', {
      data: {
        objects: ['person-verified', 'car', 'person-verified'],
        sub_labels: ['bob', 'alice'],
        zones: ['porch', 7, null, 'driveway'],
        detections: ['b-2', 'a-1'],
        audio: ['speech'],
      },
    })

    expect(record.values).to.deep.equal({
      objects: ['car', 'person-verified'],
      sub_labels: ['alice', 'bob'],
      zones: ['driveway', 'porch'],
      detections: ['a-1', 'b-2'],
      audio: ['speech'],
    })
  })

  it('reads empty lists when data has none of them', () => {
    const message = reviewMessage('new', ID)
    message.after.data = {} as never

    const record = mapFrigateReview(message, RECEIVED_AT)

    expect(Object.values(record.values).flat()).to.deep.equal([])
  })

  describe('revision', () => {
    it('counts the listed values as the time of an open state', () => {
      const record = map('update', {
        data: { objects: ['person'], detections: ['a', 'b'], zones: ['porch'] },
      })

      expect(record.revision).to.deep.equal({ closed: 0, time: 4, step: 1 })
    })

    it('closes the state when end_time is set', () => {
      const record = map('end', { end_time: REVIEW_START + 20 })

      expect(record.endTime).to.equal(REVIEW_START + 20)
      expect(record.revision).to.include({ closed: 1, step: 2 })
    })

    it('ranks new < update < end < genai, and an unknown type as update', () => {
      const steps = ['new', 'update', 'end', 'genai', 'someday'].map(
        (type) => map(type).revision.step,
      )

      expect(steps).to.deep.equal([0, 1, 2, 3, 1])
    })

    it('ranks an ended state above any open one, and more values above fewer', () => {
      const ended = map('end', { end_time: REVIEW_START + 5 })
      const bigOpen = map('update', {
        data: { objects: ['person', 'car'], detections: ['a', 'b', 'c'] },
      })
      const smallOpen = map('update', { data: { objects: ['person'] } })

      expect(compareRevisions(ended.revision, bigOpen.revision)).to.be.above(0)
      expect(compareRevisions(bigOpen.revision, smallOpen.revision)).to.be.above(0)
    })
  })
})
