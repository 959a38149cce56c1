import { expect } from 'chai'
import { decodeCursor, encodeCursor, pageLimit } from '../../src/api/cursor.js'
import { RequestError } from '../../src/api/request-error.js'

function decodeError(cursor: string, tag: string, arity: number): RequestError {
  try {
    decodeCursor(cursor, tag, arity)
  } catch (error) {
    if (error instanceof RequestError) return error
    throw error
  }

  throw new Error('expected the cursor to be refused')
}

describe('cursor', () => {
  it('decodes what it encoded, numbers and strings exact', () => {
    const key = [0.1 + 0.2, '1718987128.947436-g92ztx']

    const cursor = encodeCursor('start_time_desc', key)

    expect(decodeCursor(cursor, 'start_time_desc', 2)).to.deep.equal(key)
  })

  it('encodes into URL-safe text without padding', () => {
    const cursor = encodeCursor('score_desc', [0.999, '??>>~~'])

    expect(cursor).to.match(/^[A-Za-z0-9_-]+$/)
  })

  it('refuses a cursor of another sort', () => {
    const cursor = encodeCursor('start_time_asc', [1, 'a'])

    const error = decodeError(cursor, 'start_time_desc', 2)

    expect(error.code).to.equal('INVALID_REQUEST')
    expect(error.field).to.equal('cursor')
  })

  it('refuses a cursor with the wrong number of parts', () => {
    expect(
      decodeError(encodeCursor('dead_letters', [1, 2]), 'dead_letters', 1).field,
    ).to.equal('cursor')
  })

  it('refuses text that is not a cursor at all', () => {
    for (const cursor of [
      '',
      'not a cursor',
      '!!!',
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      expect(decodeError(cursor, 'dead_letters', 1).code, cursor).to.equal(
        'INVALID_REQUEST',
      )
    }
  })
})

describe('pageLimit', () => {
  it('uses the default when no limit is asked', () => {
    expect(pageLimit(undefined, 50, 500)).to.equal(50)
  })

  it('caps the asked limit at the maximum', () => {
    expect(pageLimit(20, 50, 500)).to.equal(20)
    expect(pageLimit(10_000, 50, 500)).to.equal(500)
  })

  it('caps the default at the maximum too', () => {
    expect(pageLimit(undefined, 50, 10)).to.equal(10)
  })
})
