import type { Executor } from '../storage/engine.js'
import type { DeadLetter } from '../storage/repositories/dead-letters-repository.js'
import type { EventRecord } from '../storage/repositories/event-record.js'
import type { EventResult } from '../storage/repositories/event-results-repository.js'
import type { EventStage } from '../storage/repositories/event-stages-repository.js'
import type { TimelineEntry } from '../storage/repositories/event-timeline-repository.js'
import type { Repositories } from '../storage/repositories/repositories.js'
import type { ReviewRecord } from '../storage/repositories/review-record.js'

/** What one batch of inbox messages writes, grouped by store. */
export interface WriteBatch {
  events: EventRecord[]
  eventResults: EventResult[]
  eventTimeline: TimelineEntry[]
  eventStages: EventStage[]
  reviews: ReviewRecord[]
  deadLetters: DeadLetter[]
}

export function emptyBatch(): WriteBatch {
  return {
    events: [],
    eventResults: [],
    eventTimeline: [],
    eventStages: [],
    reviews: [],
    deadLetters: [],
  }
}

export function batchSize(batch: WriteBatch): number {
  return (
    batch.events.length +
    batch.eventResults.length +
    batch.eventTimeline.length +
    batch.eventStages.length +
    batch.reviews.length +
    batch.deadLetters.length
  )
}

/** Writes a batch inside the caller's transaction, store by store. */
export async function writeBatch(
  tx: Executor,
  repos: Repositories,
  batch: WriteBatch,
): Promise<void> {
  await repos.events.upsert(tx, batch.events)
  await repos.eventResults.insert(tx, batch.eventResults)
  await repos.eventTimeline.upsert(tx, batch.eventTimeline)
  await repos.eventStages.upsert(tx, batch.eventStages)
  await repos.reviews.upsert(tx, batch.reviews)
  // After both: an event written after its results takes them up here.
  await repos.eventResults.applyToEvents(tx, [
    ...batch.events.map((event) => event.id),
    ...batch.eventResults.map((result) => result.eventId),
  ])
  await repos.deadLetters.insert(tx, batch.deadLetters)
}
