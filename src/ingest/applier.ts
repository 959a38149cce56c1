import { errorMessage } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { BatchWriter } from './batch-writer.js'
import type { Inbox, InboxEntry } from './inbox.js'

export interface ApplierOptions {
  inbox: Inbox
  /** Where batches go: the database on this thread, or a writer thread. */
  writer: BatchWriter
  batchSize: number
  flushIntervalMs: number
  retryMaxMs: number
  /** Past this many unapplied entries, acknowledgements wait for room. */
  maxPending: number
  logger: Logger
  /** After each committed batch (benchmarks and tests watch it). */
  onApplied?: (entries: readonly InboxEntry[]) => void
}

export interface ApplierStats {
  applied: number
  lastBatchSize: number
  lastBatchMs: number | null
  lastError: string | null
  /** True while acknowledgements are held because the inbox is full. */
  paused: boolean
}

const RETRY_MIN_MS = 100

/**
 * Drains the inbox into the database in batches: at batchSize entries or after
 * flushIntervalMs, whichever comes first. Each batch and its inbox offset are
 * committed together, so a batch is applied exactly once even across crashes.
 * While the database is unreachable it retries with backoff and the inbox
 * buffers, up to maxPending.
 */
export class Applier {
  readonly stats: ApplierStats = {
    applied: 0,
    lastBatchSize: 0,
    lastBatchMs: null,
    lastError: null,
    paused: false,
  }

  readonly #o: ApplierOptions
  #lastSeq = 0
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #failures = 0
  #stopped = true
  #waiters: (() => void)[] = []

  constructor(options: ApplierOptions) {
    this.#o = options
  }

  /** Drops what the database already holds, then applies the rest. */
  async start(): Promise<void> {
    const { inbox, writer, logger } = this.#o

    this.#lastSeq = await writer.appliedThrough(inbox.id)
    inbox.resume(this.#lastSeq)
    this.#stopped = false
    if (inbox.pending > 0)
      logger.info({ pending: inbox.pending }, 'applying inbox left from last run')
    this.#kick()
    await this.#running
  }

  /** Called after each append to the inbox. */
  notify(): void {
    if (this.#stopped || this.#running) return

    if (this.#o.inbox.pending >= this.#o.batchSize) {
      this.#clearTimer()
      this.#kick()
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#kick(), this.#o.flushIntervalMs)
    }
  }

  /** Undefined while there is room in the inbox; else resolves when there is. */
  waitForRoom(): Promise<void> | undefined {
    if (this.#o.inbox.pending < this.#o.maxPending) return undefined

    if (!this.stats.paused) {
      this.stats.paused = true
      this.#o.logger.warn(
        { pending: this.#o.inbox.pending },
        'inbox full: holding acknowledgements, the broker keeps the rest',
      )
    }

    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Stops scheduling; applies what is waiting if the database allows. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#clearTimer()
    await this.#running
    await this.#applyAvailable().catch((error: unknown) => {
      this.#o.logger.warn({ err: errorMessage(error) }, 'inbox kept for next start')
    })
    this.#releaseWaiters()
  }

  #kick(): void {
    this.#clearTimer()
    if (this.#running) return

    this.#running = this.#drain().finally(() => {
      this.#running = undefined
      if (!this.#stopped && this.#o.inbox.pending > 0 && !this.#timer) this.notify()
    })
  }

  async #drain(): Promise<void> {
    try {
      await this.#applyAvailable()
      if (this.#failures > 0)
        this.#o.logger.info('database reachable again; inbox drained')
      this.#failures = 0
      this.stats.lastError = null
    } catch (error) {
      this.#scheduleRetry(error)
    }
  }

  async #applyAvailable(): Promise<void> {
    const { inbox, batchSize } = this.#o

    for (;;) {
      const entries = inbox.read(this.#lastSeq, batchSize)
      if (entries.length === 0) return
      await this.#applyBatch(entries)
    }
  }

  async #applyBatch(entries: InboxEntry[]): Promise<void> {
    const started = performance.now()

    try {
      await this.#commit(entries)
    } catch (error) {
      // Unreachable database: let the caller back off. Otherwise one entry is
      // poison; apply them one by one and dead-letter those the database refuses.
      const reachable = await this.#o.writer.ping().then(
        () => true,
        () => false,
      )
      if (!reachable) throw error
      await this.#applyOneByOne(entries)
    }

    this.stats.applied += entries.length
    this.stats.lastBatchSize = entries.length
    this.stats.lastBatchMs = performance.now() - started
    this.#o.onApplied?.(entries)
  }

  async #applyOneByOne(entries: InboxEntry[]): Promise<void> {
    for (const entry of entries) {
      try {
        await this.#commit([entry])
      } catch (error) {
        const reason = `the database refused it: ${errorMessage(error)}`
        this.#o.logger.warn({ topic: entry.topic, reason }, 'entry dead-lettered')
        await this.#commit([entry], reason)
      }
    }
  }

  async #commit(entries: InboxEntry[], deadLetterReason?: string): Promise<void> {
    const { writer, inbox } = this.#o
    const last = entries[entries.length - 1]
    if (!last) return

    await writer.write({
      inboxId: inbox.id,
      entries,
      deadLetterReason,
      parsed: (seq) => inbox.parsed(seq),
    })
    inbox.removeThrough(last.seq)
    this.#lastSeq = last.seq
    if (inbox.pending < this.#o.maxPending) this.#releaseWaiters()
  }

  #scheduleRetry(error: unknown): void {
    const delay = Math.min(this.#o.retryMaxMs, RETRY_MIN_MS * 2 ** this.#failures)
    const message = errorMessage(error)

    if (this.#failures === 0 || message !== this.stats.lastError) {
      this.#o.logger.warn(
        { err: message, pending: this.#o.inbox.pending },
        'cannot apply the inbox; retrying with backoff',
      )
    }
    this.#failures++
    this.stats.lastError = message
    if (!this.#stopped) this.#timer = setTimeout(() => this.#kick(), delay)
  }

  #releaseWaiters(): void {
    if (this.stats.paused) this.#o.logger.info('inbox has room again; acknowledging')
    this.stats.paused = false
    const waiters = this.#waiters
    this.#waiters = []
    for (const resolve of waiters) resolve()
  }

  #clearTimer(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
