import type { Engine } from '../engine.js'
import { AuditRepository } from './audit-repository.js'
import { DeadLettersRepository } from './dead-letters-repository.js'
import { EventDerivedState } from './event-derived-state.js'
import { EventResultsRepository } from './event-results-repository.js'
import { EventStagesRepository } from './event-stages-repository.js'
import { EventStatsRepository } from './event-stats-repository.js'
import { EventTimelineRepository } from './event-timeline-repository.js'
import { EventsRepository } from './events-repository.js'
import { FacesRepository } from './faces-repository.js'
import { IngestOffsetsRepository } from './ingest-offsets-repository.js'
import { RetentionRepository } from './retention-repository.js'
import { ReviewsRepository } from './reviews-repository.js'

/** Every store's repository over one engine. */
export interface Repositories {
  events: EventsRepository
  eventResults: EventResultsRepository
  eventTimeline: EventTimelineRepository
  eventStages: EventStagesRepository
  eventStats: EventStatsRepository
  reviews: ReviewsRepository
  deadLetters: DeadLettersRepository
  ingestOffsets: IngestOffsetsRepository
  faces: FacesRepository
  audit: AuditRepository
  retention: RetentionRepository
}

/** What the stores take from the configuration (the events section). */
export interface RepositorySettings {
  /** events.faceMinScore. Default 0.6, the config schema's default. */
  faceMinScore: number
}

const DEFAULT_SETTINGS: RepositorySettings = { faceMinScore: 0.6 }

export function createRepositories(
  engine: Engine,
  settings: RepositorySettings = DEFAULT_SETTINGS,
): Repositories {
  const derived = new EventDerivedState(engine)
  const pruned = {
    events: new EventsRepository(engine, derived),
    reviews: new ReviewsRepository(engine),
    deadLetters: new DeadLettersRepository(engine),
    audit: new AuditRepository(engine),
  }

  return {
    ...pruned,
    eventResults: new EventResultsRepository(engine, settings, derived),
    eventTimeline: new EventTimelineRepository(engine),
    eventStages: new EventStagesRepository(engine),
    eventStats: new EventStatsRepository(engine),
    ingestOffsets: new IngestOffsetsRepository(engine),
    faces: new FacesRepository(engine),
    retention: new RetentionRepository(engine, pruned),
  }
}
