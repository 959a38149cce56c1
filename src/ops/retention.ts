import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Config } from '../config/load-config.js'
import { errorMessage } from '../errors.js'
import type { Logger } from '../log/logger.js'
import {
  PRUNE_STORES,
  type PruneRequest,
  type PruneStore,
} from '../storage/repositories/retention-repository.js'

export type RetentionSettings = Config['retention']

export interface RetentionOptions {
  settings: RetentionSettings
  /** Deletes one chunk where the writes happen (BatchWriter.prune). */
  prune: (request: PruneRequest) => Promise<number>
  /** Cameras with events started before a time (RetentionRepository.camerasBefore). */
  cameras: (before: number) => Promise<(string | null)[]>
  /** Whether an error means the database cannot be reached (Engine.isOutage). */
  isOutage: (error: unknown) => boolean
  logger: Logger
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number
  /** Wait before the first run. Default FIRST_RUN_DELAY_MS. */
  firstRunDelayMs?: number
}

export interface RetentionStats {
  /** When the last run started, unix seconds; null before the first. */
  lastRunAt: number | null
  lastRunMs: number | null
  /** Rows the last run deleted, per store; as far as it got if it failed. */
  deleted: Record<PruneStore, number>
  /** Why the last run stopped short; null when it finished. */
  lastError: string | null
}

/** One store's rows from before a cutoff, deleted chunk by chunk. */
type Pass = Omit<PruneRequest, 'limit'>

const DAY_SECONDS = 86_400

// Lets startup finish first: MQTT connects and the broker delivers its queue.
export const FIRST_RUN_DELAY_MS = 5_000

/**
 * Deletes what the retention settings no longer keep: shortly after start,
 * then every intervalMinutes. Each chunk of at most batchSize rows is its own
 * transaction on the writer, so ingest batches go between chunks and a first
 * run over years of data holds no long transaction. A failed run (the
 * database away) is logged and tried again at the next one.
 */
export class Retention {
  readonly stats: RetentionStats = {
    lastRunAt: null,
    lastRunMs: null,
    deleted: noneDeleted(),
    lastError: null,
  }

  readonly #o: RetentionOptions
  readonly #now: () => number
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor(options: RetentionOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  start(): void {
    this.#stopped = false
    this.#schedule(this.#o.firstRunDelayMs ?? FIRST_RUN_DELAY_MS)
  }

  /** Stops scheduling; a run in progress ends after its current chunk. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  /** Deletes everything due now; joins the run in progress if there is one. */
  run(): Promise<void> {
    this.#running ??= this.#runAll().finally(() => (this.#running = undefined))

    return this.#running
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer)
    if (this.#stopped) return

    this.#timer = setTimeout(() => {
      void this.run().finally(() => this.#schedule(this.#intervalMs()))
    }, delayMs)
    this.#timer.unref()
  }

  async #runAll(): Promise<void> {
    const startedAt = this.#now()
    const started = performance.now()
    const deleted = noneDeleted()
    let failure: unknown

    try {
      for (const pass of await this.#passes(startedAt / 1000)) {
        if (this.#stopped) break
        await this.#drain(pass, deleted)
      }
    } catch (error) {
      failure = error
    }

    const ms = Math.round(performance.now() - started)
    this.stats.lastRunAt = startedAt / 1000
    this.stats.lastRunMs = ms
    this.stats.deleted = deleted
    this.stats.lastError = failure === undefined ? null : errorMessage(failure)
    this.#report(deleted, ms, failure)
  }

  /** The cutoffs as of now: per camera first, then the default's cameras. */
  async #passes(now: number): Promise<Pass[]> {
    const { events, reviews, deadLetters, audit } = this.#o.settings
    const before = (days: number) => now - days * DAY_SECONDS
    const passes: Pass[] = []

    for (const [camera, days] of Object.entries(events.cameras)) {
      if (days !== null) passes.push({ store: 'events', camera, before: before(days) })
    }
    if (events.days !== null) {
      const cutoff = before(events.days)
      for (const camera of await this.#o.cameras(cutoff)) {
        if (camera !== null && Object.hasOwn(events.cameras, camera)) continue
        passes.push({ store: 'events', camera, before: cutoff })
      }
    }
    if (reviews.days !== null)
      passes.push({ store: 'reviews', before: before(reviews.days) })
    if (deadLetters.days !== null) {
      passes.push({ store: 'deadLetters', before: before(deadLetters.days) })
    }
    if (audit.days !== null) passes.push({ store: 'audit', before: before(audit.days) })

    return passes
  }

  async #drain(pass: Pass, deleted: Record<PruneStore, number>): Promise<void> {
    const limit = this.#o.settings.batchSize

    for (;;) {
      const count = await this.#o.prune({ ...pass, limit })
      deleted[pass.store] += count
      if (count < limit || this.#stopped) return
      // Lets messages, requests and timers in before the next chunk.
      await nextTurn()
    }
  }

  #report(deleted: Record<PruneStore, number>, ms: number, failure: unknown): void {
    const { logger, isOutage } = this.#o
    const total = PRUNE_STORES.reduce((sum, store) => sum + deleted[store], 0)

    if (failure !== undefined) {
      const level = isOutage(failure) ? 'warn' : 'error'
      logger[level](
        { err: errorMessage(failure), deleted, ms },
        'retention run failed; the next run tries again',
      )
    } else if (total > 0) {
      logger.info({ deleted, ms }, 'retention deleted old rows')
    } else {
      logger.debug({ ms }, 'retention found nothing to delete')
    }
  }

  #intervalMs(): number {
    return this.#o.settings.intervalMinutes * 60_000
  }
}

function noneDeleted(): Record<PruneStore, number> {
  return { events: 0, reviews: 0, deadLetters: 0, audit: 0 }
}
