import { isDeepStrictEqual } from 'node:util'
import type { AuditEntry } from '../storage/repositories/audit-repository.js'
import type {
  PersonFields,
  PersonRecord,
} from '../storage/repositories/faces-repository.js'

/** Every change to a person the audit trail records. */
export const PERSON_ACTIONS = [
  'enroll',
  'add_sample',
  'rename',
  'move',
  'update',
  'remove',
  'restore',
] as const
export type PersonAction = (typeof PERSON_ACTIONS)[number]

export const PERSON_TARGET = 'person'

/** One change with what the audit trail keeps of it. */
export interface PlannedAction {
  action: PersonAction
  details: Record<string, unknown>
}

export interface ChangePlan {
  /** Only the fields that differ from the stored person. */
  fields: PersonFields
  actions: PlannedAction[]
}

/**
 * What `requested` changes on `current`: fields equal to the stored ones are
 * left out, so a repeated request changes nothing and records nothing.
 */
export function planChanges(current: PersonRecord, requested: PersonFields): ChangePlan {
  const fields: PersonFields = {}
  const actions: PlannedAction[] = []
  const { name, list, reason, metadata, active } = requested

  if (name !== undefined && name !== current.name) {
    fields.name = name
    actions.push({ action: 'rename', details: { from: current.name, to: name } })
  }
  if (list !== undefined && list !== current.list) {
    fields.list = list
    actions.push({ action: 'move', details: { from: current.list, to: list } })
  }

  const updated: Record<string, unknown> = {}
  if (reason !== undefined && reason !== current.reason) {
    fields.reason = reason
    updated.reason = { from: current.reason, to: reason }
  }
  if (metadata !== undefined && !isDeepStrictEqual(metadata, current.metadata)) {
    fields.metadata = metadata
    updated.metadata = { from: current.metadata, to: metadata }
  }
  if (Object.keys(updated).length > 0)
    actions.push({ action: 'update', details: updated })

  if (active !== undefined && active !== current.active) {
    fields.active = active
    const action = active ? 'restore' : 'remove'
    actions.push({ action, details: { name: name ?? current.name } })
  }

  return { fields, actions }
}

export function auditEntry(
  personId: number,
  planned: PlannedAction,
  actor: string,
  time: number,
): AuditEntry {
  return {
    time,
    actor,
    action: planned.action,
    targetType: PERSON_TARGET,
    targetId: String(personId),
    details: planned.details,
  }
}
