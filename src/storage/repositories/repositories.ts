import type { Engine } from '../engine.js'
import { DeadLettersRepository } from './dead-letters-repository.js'
import { EventResultsRepository } from './event-results-repository.js'
import { EventStagesRepository } from './event-stages-repository.js'
import { EventTimelineRepository } from './event-timeline-repository.js'
import { EventsRepository } from './events-repository.js'
import { IngestOffsetsRepository } from './ingest-offsets-repository.js'
import { ReviewsRepository } from './reviews-repository.js'

/** Every store's repository over one engine. */
export interface Repositories {
  events: EventsRepository
  eventResults: EventResultsRepository
  eventTimeline: EventTimelineRepository
  eventStages: EventStagesRepository
  reviews: ReviewsRepository
  deadLetters: DeadLettersRepository
  ingestOffsets: IngestOffsetsRepository
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
  return {
    events: new EventsRepository(engine),
    eventResults: new EventResultsRepository(engine, settings),
    eventTimeline: new EventTimelineRepository(engine),
    eventStages: new EventStagesRepository(engine),
    reviews: new ReviewsRepository(engine),
    deadLetters: new DeadLettersRepository(engine),
    ingestOffsets: new IngestOffsetsRepository(engine),
  }
}
