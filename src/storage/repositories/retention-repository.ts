import type { Engine } from '../engine.js'
import { raw, sql } from '../sql.js'
import type { AuditRepository } from './audit-repository.js'
import type { DeadLettersRepository } from './dead-letters-repository.js'
import { NO_NAME, ROLLUPS } from './event-derived-state.js'
import type { EventsRepository } from './events-repository.js'
import type { ReviewsRepository } from './reviews-repository.js'

/** The stores retention deletes from, each by its own time column. */
export const PRUNE_STORES = ['events', 'reviews', 'deadLetters', 'audit'] as const
export type PruneStore = (typeof PRUNE_STORES)[number]

/** One chunk of retention: the oldest rows of a store from before a time. */
export interface PruneRequest {
  store: PruneStore
  /** Unix seconds: events and reviews started, dead letters received, audit made. */
  before: number
  /** Events only: this camera's (null: those without one); every camera if absent. */
  camera?: string | null
  /** Most rows to delete. */
  limit: number
}

/** The stores whose deletes retention drives. */
export interface PrunedStores {
  events: EventsRepository
  reviews: ReviewsRepository
  deadLetters: DeadLettersRepository
  audit: AuditRepository
}

const DAILY = ROLLUPS[1]

/** What retention reads and deletes, over the stores' own deletes. */
export class RetentionRepository {
  readonly #engine: Engine
  readonly #stores: PrunedStores

  constructor(engine: Engine, stores: PrunedStores) {
    this.#engine = engine
    this.#stores = stores
  }

  /** Deletes one chunk in its own transaction; returns how many rows went. */
  prune(request: PruneRequest): Promise<number> {
    const { before, limit } = request
    const { events, reviews, deadLetters, audit } = this.#stores

    switch (request.store) {
      case 'events':
        return events.delete({ startedBefore: before, camera: request.camera, limit })
      case 'reviews':
        return reviews.delete({ startedBefore: before, limit })
      case 'deadLetters':
        return deadLetters.delete({ receivedBefore: before, limit })
      case 'audit':
        return audit.delete({ before, limit })
    }
  }

  /**
   * Cameras with events started before a time (null: events without one).
   * Read from the daily rollup, a few rows per day, where the events table
   * would need a scan; each camera's events then go by its own index range.
   */
  async camerasBefore(time: number): Promise<(string | null)[]> {
    // Buckets are whole seconds, and PostgreSQL refuses a fraction for bigint.
    const rows = await this.#engine.query<{ camera: string }>(sql`SELECT DISTINCT camera
      FROM ${raw(DAILY.table)} WHERE bucket < ${Math.ceil(time)}`)

    return rows.map(({ camera }) => (camera === NO_NAME ? null : camera))
  }
}
