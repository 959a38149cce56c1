import { FaceDirectory } from '../../../src/faces/face-directory.js'
import type { EnrollRequest } from '../../../src/faces/face-requests.js'
import { FaceIndex } from '../../../src/faces/face-index.js'
import { FaceModels, type FaceModel } from '../../../src/faces/face-models.js'
import { loadFaceKernel } from '../../../src/faces/load-face-kernel.js'
import type { Engine } from '../../../src/storage/engine.js'
import {
  createRepositories,
  type Repositories,
} from '../../../src/storage/repositories/repositories.js'
import { silentLogger } from '../../support/logger.js'
import { ARCFACE, DLIB, vectorOf } from './face-models.js'

export const DLIB_MODEL: FaceModel = { ...DLIB, threshold: 0.6 }
export const ARCFACE_MODEL: FaceModel = { ...ARCFACE, threshold: 0.68 }

export interface OpenDirectory {
  directory: FaceDirectory
  repos: Repositories
}

/** A started directory over `engine`, loaded from what it holds. */
export async function openDirectory(
  engine: Engine,
  options: { models?: FaceModel[]; loadPageSize?: number } = {},
): Promise<OpenDirectory> {
  const repos = createRepositories(engine)
  const directory = new FaceDirectory({
    engine,
    faces: repos.faces,
    audit: repos.audit,
    index: new FaceIndex(await loadFaceKernel()),
    models: FaceModels.from(options.models ?? [DLIB_MODEL, ARCFACE_MODEL]),
    defaultTopK: 5,
    logger: silentLogger(),
    loadPageSize: options.loadPageSize,
  })
  await directory.start()

  return { directory, repos }
}

/** A dlib encoding on the wire: `leading`, then zeros. */
export function dlib(leading: number[]): number[] {
  return Array.from(vectorOf(DLIB, leading))
}

export function arcface(leading: number[]): number[] {
  return Array.from(vectorOf(ARCFACE, leading))
}

/** An enrolment of one dlib encoding by name. */
export function enrolment(
  name: string,
  leading: number[],
  overrides: Partial<EnrollRequest> = {},
): EnrollRequest {
  return {
    name,
    model: DLIB.name,
    encodings: [{ value: dlib(leading), field: 'encoding' }],
    actor: 'test',
    ...overrides,
  }
}
