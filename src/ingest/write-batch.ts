import type { Executor } from '../storage/engine.js'
import type { DeadLetter } from '../storage/repositories/dead-letters-repository.js'
import type { EventRecord } from '../storage/repositories/event-record.js'
import type { Repositories } from '../storage/repositories/repositories.js'

/** What one batch of inbox messages writes, grouped by store. */
export interface WriteBatch {
  events: EventRecord[]
  deadLetters: DeadLetter[]
}

export function emptyBatch(): WriteBatch {
  return { events: [], deadLetters: [] }
}

export function batchSize(batch: WriteBatch): number {
  return batch.events.length + batch.deadLetters.length
}

/** Writes a batch inside the caller's transaction, store by store. */
export async function writeBatch(
  tx: Executor,
  repos: Repositories,
  batch: WriteBatch,
): Promise<void> {
  await repos.events.upsert(tx, batch.events)
  await repos.deadLetters.insert(tx, batch.deadLetters)
}
