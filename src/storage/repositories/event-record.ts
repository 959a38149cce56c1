/** Where an event came from. */
export const EVENT_ORIGINS = ['frigate', 'native'] as const
export type EventOrigin = (typeof EVENT_ORIGINS)[number]

/**
 * The merge clock of a stored state: a state replaces the stored one only when
 * its revision is greater, compared as a tuple (closed first, then time, then
 * step), so the result does not depend on arrival order.
 */
export interface Revision {
  closed: 0 | 1
  time: number
  step: number
}

/** One security event as the storage layer keeps it. */
export interface EventRecord {
  id: string
  origin: EventOrigin
  eventType: string
  camera: string | null
  label: string | null
  source: string | null
  subLabel: string | null
  subLabelScore: number | null
  score: number | null
  topScore: number
  startTime: number
  endTime: number | null
  hasClip: boolean
  hasSnapshot: boolean
  processingStage: string | null
  parentEventId: string | null
  /**
   * Taken from the event's recognition results when a batch writes them or
   * the event; mappers leave them null and the upsert never writes them.
   */
  person: string | null
  description: string | null
  zones: string[]
  /** The latest full payload, unknown fields included. */
  data: Record<string, unknown>
  revision: Revision
  /** Ingest time of the stored state, unix seconds. */
  updatedAt: number
}

export function compareRevisions(a: Revision, b: Revision): number {
  return a.closed - b.closed || a.time - b.time || a.step - b.step
}

/** Per id, the state with the greatest revision (the first of equals). */
export function latestPerId<T extends { id: string; revision: Revision }>(
  records: readonly T[],
): T[] {
  const latest = new Map<string, T>()

  for (const record of records) {
    const current = latest.get(record.id)
    if (!current || compareRevisions(record.revision, current.revision) > 0) {
      latest.set(record.id, record)
    }
  }

  return [...latest.values()]
}
