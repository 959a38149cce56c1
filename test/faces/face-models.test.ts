import { expect } from 'chai'
import { StartupError } from '../../src/errors.js'
import { FaceDirectoryError } from '../../src/faces/face-directory-error.js'
import { FaceModels, confidenceOf, type FaceModel } from '../../src/faces/face-models.js'

const DLIB: FaceModel = {
  name: 'dlib',
  version: '1',
  dim: 128,
  metric: 'euclidean',
  threshold: 0.6,
}
const ARC_1: FaceModel = {
  name: 'arc',
  version: '1',
  dim: 512,
  metric: 'cosine',
  threshold: 0.68,
}
const ARC_2: FaceModel = { ...ARC_1, version: '2', threshold: 0.5 }

function refusalOf(work: () => unknown): FaceDirectoryError {
  try {
    work()
  } catch (error) {
    if (error instanceof FaceDirectoryError) return error
    throw error
  }

  throw new Error('expected a refusal')
}

describe('FaceModels', () => {
  const models = FaceModels.from([DLIB, ARC_1, ARC_2])

  it('resolves a model by name alone when it has one version', () => {
    expect(models.resolve('dlib', undefined)).to.equal(DLIB)
    expect(models.resolve('dlib', '1')).to.equal(DLIB)
    expect(models.resolve('arc', '2')).to.equal(ARC_2)
  })

  it('asks for model_version when the name has several', () => {
    const error = refusalOf(() => models.resolve('arc', undefined))

    expect(error).to.include({ code: 'FACE_UNKNOWN_MODEL', field: 'model_version' })
    expect(error.message).to.include('1, 2')
  })

  it('refuses an unconfigured model, listing the configured ones', () => {
    const byName = refusalOf(() => models.resolve('facenet', undefined))
    const byVersion = refusalOf(() => models.resolve('dlib', '2'))

    expect(byName).to.include({ code: 'FACE_UNKNOWN_MODEL', field: 'model' })
    expect(byName.message).to.include('dlib@1, arc@1, arc@2')
    expect(byVersion.field).to.equal('model_version')
  })

  it('refuses a configuration listing a model twice', () => {
    expect(() => FaceModels.from([DLIB, { ...DLIB, dim: 64 }])).to.throw(
      StartupError,
      'dlib@1 twice',
    )
  })

  it('gives confidence 1 at distance 0, 0.5 at the threshold and 0 from twice it', () => {
    expect(confidenceOf(DLIB, 0)).to.equal(1)
    expect(confidenceOf(DLIB, 0.6)).to.equal(0.5)
    expect(confidenceOf(DLIB, 0.3)).to.equal(0.75)
    expect(confidenceOf(DLIB, 1.2)).to.equal(0)
    expect(confidenceOf(DLIB, 5)).to.equal(0)
    expect(confidenceOf(ARC_1, -1e-16)).to.equal(1)
  })
})
