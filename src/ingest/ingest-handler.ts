import type { Logger } from '../log/logger.js'
import { describeProblems, type SchemaRegistry } from '../validation/schema-registry.js'
import type { Inbox, NewInboxEntry } from './inbox.js'
import { STREAMS, type StreamKind } from './streams.js'

export const DEAD_LETTER_KIND = 'dead'

export interface IngestHandlerOptions {
  inbox: Inbox
  schemas: SchemaRegistry
  maxPayloadBytes: number
  /** Called after every append, so the applier can schedule a batch. */
  onAppended: () => void
  logger: Logger
}

/** A parsed, schema-checked message, or the reason it is not one. */
export type IngestVerdict = { message: unknown } | { reason: string }

export interface IngestCounters {
  received: number
  deadLettered: number
}

/**
 * The accept step of ingest: size limit, JSON parse and schema check, then a
 * durable append to the inbox, as a valid message or as a dead letter with
 * its reason. Synchronous, so the PUBACK follows only a stored message.
 */
export class IngestHandler {
  readonly counters: IngestCounters = { received: 0, deadLettered: 0 }
  readonly #options: IngestHandlerOptions

  constructor(options: IngestHandlerOptions) {
    this.#options = options
  }

  /** `stream` undefined: an ingest topic that no stream serves. */
  accept(topic: string, stream: StreamKind | undefined, payload: Buffer): void {
    const receivedAt = Date.now() / 1000
    const verdict = this.#check(stream, payload)
    const entry: NewInboxEntry =
      'message' in verdict && stream
        ? { kind: stream, topic, payload, size: payload.length, reason: null, receivedAt }
        : this.#deadLetter(
            topic,
            payload,
            'reason' in verdict ? verdict.reason : '',
            receivedAt,
          )

    this.#options.inbox.append(entry, 'message' in verdict ? verdict.message : undefined)
    this.counters.received++
    if (entry.reason !== null) this.counters.deadLettered++
    this.#options.onAppended()
  }

  /**
   * Appends a dead letter with `reason`: for topics served outside the inbox
   * (faces), whose payloads can fail after their schema check.
   */
  reject(topic: string, payload: Buffer, reason: string): void {
    const entry = this.#deadLetter(topic, payload, reason, Date.now() / 1000)

    this.#options.inbox.append(entry)
    this.counters.received++
    this.counters.deadLettered++
    this.#options.onAppended()
  }

  /** Size limit, JSON parse and the check against `schemaId`. */
  check(schemaId: string, payload: Buffer): IngestVerdict {
    const { maxPayloadBytes, schemas } = this.#options

    if (payload.length > maxPayloadBytes) {
      const limit = `ingest.maxPayloadBytes (${maxPayloadBytes})`
      return { reason: `payload of ${payload.length} bytes exceeds ${limit}` }
    }

    let message: unknown
    try {
      message = JSON.parse(payload.toString('utf8'))
    } catch (error) {
      return { reason: `not valid JSON: ${(error as Error).message}` }
    }

    const result = schemas.validate(schemaId, message)
    if (!result.ok) {
      return {
        reason: `does not match ${schemaId}: ${describeProblems(result.problems)}`,
      }
    }

    return { message }
  }

  /** The parsed message when it is fit for its stream, else the reason it is not. */
  #check(stream: StreamKind | undefined, payload: Buffer): IngestVerdict {
    if (!stream) return { reason: 'no ingest stream serves this topic' }

    return this.check(STREAMS[stream].schemaId, payload)
  }

  #deadLetter(
    topic: string,
    payload: Buffer,
    reason: string,
    receivedAt: number,
  ): NewInboxEntry {
    const { maxPayloadBytes, logger } = this.#options
    logger.debug({ topic, reason }, 'dead letter')

    return {
      kind: DEAD_LETTER_KIND,
      topic,
      payload:
        payload.length > maxPayloadBytes ? payload.subarray(0, maxPayloadBytes) : payload,
      size: payload.length,
      reason,
      receivedAt,
    }
  }
}
