import { errorMessage } from '../errors.js'
import type { EnrollRequest } from '../faces/face-requests.js'
import { FaceDirectoryError } from '../faces/face-directory-error.js'
import { FaceIndexError } from '../faces/face-index-error.js'
import {
  DEFAULT_INGEST_ACTOR,
  enrollFromWire,
  type WireEnroll,
} from '../faces/face-wire.js'
import type { Logger } from '../log/logger.js'
import type { IngestVerdict } from './ingest-handler.js'

export const FACE_SCHEMA_ID = 'ingest/face.schema.json'

export interface FaceIngestOptions {
  /** Size limit, JSON and schema check: IngestHandler.check. */
  check: (schemaId: string, payload: Buffer) => IngestVerdict
  /** Keeps a refused payload as a dead letter with its reason, durably. */
  reject: (topic: string, payload: Buffer, reason: string) => Promise<void> | void
  /** Commits, updates the index, then resolves: FaceDirectory.enroll. */
  enroll: (request: EnrollRequest) => Promise<unknown>
  /** Longest wait between retries while the database is unreachable. */
  retryMaxMs: number
  logger: Logger
}

export interface FaceIngestCounters {
  enrolled: number
  rejected: number
}

const RETRY_MIN_MS = 100

type Outcome = { kind: 'retry' } | { kind: 'stored' } | { kind: 'reject'; reason: string }

/**
 * <base>/ingest/face: a recogniser enrols without waiting for an answer. Not
 * an inbox stream, because the index must learn the ids the database gives:
 * `accept` resolves, and the broker gets its PUBACK, only after the commit.
 * A payload that cannot be enrolled becomes a dead letter with the reason;
 * while the database is unreachable it retries, holding the PUBACK.
 */
export class FaceIngest {
  readonly counters: FaceIngestCounters = { enrolled: 0, rejected: 0 }
  readonly #o: FaceIngestOptions
  #stopped = false
  #wake: (() => void) | undefined

  constructor(options: FaceIngestOptions) {
    this.#o = options
  }

  async accept(topic: string, payload: Buffer): Promise<void> {
    const verdict = this.#o.check(FACE_SCHEMA_ID, payload)
    if ('reason' in verdict) return this.#reject(topic, payload, verdict.reason)

    const request = enrollFromWire(verdict.message as WireEnroll, DEFAULT_INGEST_ACTOR)
    for (let wait = RETRY_MIN_MS; ; wait = Math.min(wait * 2, this.#o.retryMaxMs)) {
      try {
        await this.#o.enroll(request)
        this.counters.enrolled++
        return
      } catch (error) {
        const outcome = this.#afterFailure(error)
        if (outcome.kind === 'stored') return
        if (outcome.kind === 'reject') return this.#reject(topic, payload, outcome.reason)
        this.#o.logger.error(
          { topic, err: errorMessage(error), retryMs: wait },
          'face enrolment failed; retrying',
        )
        await this.#sleep(wait)
      }
    }
  }

  /** Ends retries: a message still waiting becomes a dead letter. */
  stop(): void {
    this.#stopped = true
    this.#wake?.()
  }

  #afterFailure(error: unknown): Outcome {
    if (error instanceof FaceDirectoryError) {
      return { kind: 'reject', reason: error.message }
    }
    if (error instanceof FaceIndexError) {
      // The index refuses only after the commit; a retry would enrol twice.
      this.#o.logger.error(
        { err: error.message },
        'enrolment stored but not indexed; searchable after a restart',
      )
      return { kind: 'stored' }
    }
    if (this.#stopped) {
      const reason = `not enrolled before shutdown: ${errorMessage(error)}`
      return { kind: 'reject', reason }
    }

    return { kind: 'retry' }
  }

  async #reject(topic: string, payload: Buffer, reason: string): Promise<void> {
    this.counters.rejected++
    await this.#o.reject(topic, payload, reason)
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve()

    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.#wake = wake
    })
  }
}
