import type { Engine } from '../engine.js'
import { DeadLettersRepository } from './dead-letters-repository.js'
import { EventsRepository } from './events-repository.js'
import { IngestOffsetsRepository } from './ingest-offsets-repository.js'

/** Every store's repository over one engine. */
export interface Repositories {
  events: EventsRepository
  deadLetters: DeadLettersRepository
  ingestOffsets: IngestOffsetsRepository
}

export function createRepositories(engine: Engine): Repositories {
  return {
    events: new EventsRepository(engine),
    deadLetters: new DeadLettersRepository(engine),
    ingestOffsets: new IngestOffsetsRepository(engine),
  }
}
