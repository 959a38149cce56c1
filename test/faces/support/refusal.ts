import { expect } from 'chai'

import { FaceIndexError, type FaceIndexErrorCode } from '../../../src/faces/index.js'

/** The error `act` throws, asserted to be a FaceIndexError with `code`. */
export function refusal(act: () => unknown, code: FaceIndexErrorCode): FaceIndexError {
  try {
    act()
  } catch (error) {
    expect(error).to.be.instanceOf(FaceIndexError)
    expect((error as FaceIndexError).code).to.equal(code)
    return error as FaceIndexError
  }

  throw new Error(`expected ${code}, nothing was thrown`)
}
