import { errorMessage } from '../errors.js'
import type { Engine } from '../storage/engine.js'
import type { DeadLetter } from '../storage/repositories/dead-letters-repository.js'
import type { PruneRequest } from '../storage/repositories/retention-repository.js'
import type { Repositories } from '../storage/repositories/repositories.js'
import type { InboxEntry } from './inbox.js'
import { DEAD_LETTER_KIND } from './ingest-handler.js'
import { STREAMS, isStreamKind } from './streams.js'
import { emptyBatch, writeBatch, type WriteBatch } from './write-batch.js'

export interface WriteRequest {
  inboxId: string
  entries: readonly InboxEntry[]
  /** Store every entry as a dead letter with this reason instead. */
  deadLetterReason?: string
  /** Parsed payloads the ingest handler kept, by sequence number. */
  parsed?: (seq: number) => unknown
}

/** Turns inbox entries into rows: the database side of the applier. */
export interface BatchWriter {
  start(): Promise<void>
  /** Writes the entries' rows and the inbox offset in one transaction. */
  write(request: WriteRequest): Promise<void>
  /**
   * Deletes one chunk of old rows in its own transaction, never beside a
   * write; returns how many rows went.
   */
  prune(request: PruneRequest): Promise<number>
  /** The last sequence number of the inbox that the database holds. */
  appliedThrough(inboxId: string): Promise<number>
  ping(): Promise<void>
  stop(): Promise<void>
}

/** Writes on the engine it is given, on the calling thread. */
export class DirectBatchWriter implements BatchWriter {
  readonly #engine: Engine
  readonly #repos: Repositories
  #queue: Promise<unknown> = Promise.resolve()

  constructor(engine: Engine, repos: Repositories) {
    this.#engine = engine
    this.#repos = repos
  }

  start(): Promise<void> {
    return Promise.resolve()
  }

  async write(request: WriteRequest): Promise<void> {
    const last = request.entries[request.entries.length - 1]
    if (!last) return
    const batch = collect(request)

    await this.#serially(() =>
      this.#engine.transaction(async (tx) => {
        await writeBatch(tx, this.#repos, batch)
        await this.#repos.ingestOffsets.set(tx, request.inboxId, last.seq)
      }),
    )
  }

  prune(request: PruneRequest): Promise<number> {
    return this.#serially(() => this.#repos.retention.prune(request))
  }

  appliedThrough(inboxId: string): Promise<number> {
    return this.#repos.ingestOffsets.get(inboxId)
  }

  ping(): Promise<void> {
    return this.#engine.ping()
  }

  stop(): Promise<void> {
    return Promise.resolve()
  }

  /**
   * One transaction at a time. A pool (PostgreSQL) would run a retention
   * delete and a batch on two connections; were both to touch one event,
   * each would read its rollup contribution before the other committed, and
   * the rollups would count it wrongly.
   */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work)
    this.#queue = next.catch(() => undefined)

    return next
  }
}

/** Maps inbox entries to writes; an entry its mapper rejects becomes a dead letter. */
export function collect(request: WriteRequest): WriteBatch {
  const batch = emptyBatch()
  const { inboxId, deadLetterReason, parsed } = request

  for (const entry of request.entries) {
    if (deadLetterReason !== undefined) {
      batch.deadLetters.push(toDeadLetter(entry, inboxId, deadLetterReason))
      continue
    }
    if (entry.kind === DEAD_LETTER_KIND || !isStreamKind(entry.kind)) {
      const reason = entry.reason ?? `unknown inbox kind ${entry.kind}`
      batch.deadLetters.push(toDeadLetter(entry, inboxId, reason))
      continue
    }

    try {
      const message =
        parsed?.(entry.seq) ?? (JSON.parse(entry.payload.toString('utf8')) as unknown)
      STREAMS[entry.kind].collect(message, entry.receivedAt, batch)
    } catch (error) {
      const reason = `could not be mapped: ${errorMessage(error)}`
      batch.deadLetters.push(toDeadLetter(entry, inboxId, reason))
    }
  }

  return batch
}

function toDeadLetter(entry: InboxEntry, inboxId: string, reason: string): DeadLetter {
  return {
    messageKey: `${inboxId}:${entry.seq}`,
    topic: entry.topic,
    payload: entry.payload,
    size: entry.size,
    truncated: entry.payload.length < entry.size,
    reason: escapeControls(reason),
    receivedAt: entry.receivedAt,
  }
}

/**
 * A reason can quote the payload (JSON.parse does), and PostgreSQL text
 * refuses NUL: control characters are kept as \uXXXX escapes.
 */
function escapeControls(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
