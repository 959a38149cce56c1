import type { Executor } from '../storage/engine.js'
import type { FacesRepository } from '../storage/repositories/faces-repository.js'
import { FaceDirectoryError } from './face-directory-error.js'
import type { EnrollRequest } from './face-requests.js'

export interface EnrollTarget {
  personId: number
  created: boolean
}

/** Refuses a request that names no person, or person_id with person fields. */
export function checkEnrollTarget(request: EnrollRequest): void {
  const { personId, name, list, reason, metadata } = request

  if (personId === undefined && name === undefined) {
    throw new FaceDirectoryError(
      'FACE_INVALID_INPUT',
      'give name (a new or active person) or person_id',
      'name',
    )
  }
  if (personId === undefined) return

  const extra = Object.entries({ name, list, reason, metadata }).find(
    ([, value]) => value !== undefined,
  )
  if (extra) {
    throw new FaceDirectoryError(
      'FACE_INVALID_INPUT',
      `${extra[0]} cannot go with person_id; change a person with faces/update`,
      extra[0],
    )
  }
}

/**
 * The person the encodings go to, inside the enrolment's transaction: the one
 * with person_id, the active person of that name, or a new one.
 */
export async function findEnrollTarget(
  tx: Executor,
  faces: FacesRepository,
  request: EnrollRequest,
  now: number,
): Promise<EnrollTarget> {
  if (request.personId !== undefined) {
    const person = await faces.getPerson(request.personId, tx)
    if (person) return { personId: person.id, created: false }
    const message = `no person with id ${request.personId}`
    throw new FaceDirectoryError('FACE_PERSON_NOT_FOUND', message, 'person_id')
  }

  const name = request.name ?? ''
  const existing = await faces.findActiveByName(name, tx)
  if (existing) {
    if (request.list !== undefined && request.list !== existing.list) {
      throw new FaceDirectoryError(
        'FACE_LIST_MISMATCH',
        `${name} is on the ${existing.list} list; move them with faces/update`,
        'list',
      )
    }
    return { personId: existing.id, created: false }
  }

  const person = {
    name,
    list: request.list ?? 'known',
    reason: request.reason ?? null,
    metadata: request.metadata ?? {},
  }
  return { personId: await faces.insertPerson(tx, person, now), created: true }
}
