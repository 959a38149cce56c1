import { fromBool, type Engine, type Executor } from '../engine.js'
import { EMPTY, chunks, join, list, raw, sql, type Sql } from '../sql.js'
import { deleteOldest } from './delete-oldest.js'

/** A payload that could not be stored, kept with the reason. */
export interface DeadLetter {
  /** Unique per received message, so applying twice stores it once. */
  messageKey: string
  topic: string
  payload: Buffer
  /** Size of the payload as received, before any truncation. */
  size: number
  truncated: boolean
  reason: string
  receivedAt: number
}

export interface StoredDeadLetter extends DeadLetter {
  id: number
}

export interface DeadLetterQuery {
  topic?: string
  after?: number
  before?: number
  limit: number
  /** id of the last row of the previous page; pages run newest first. */
  beforeId?: number
}

/** Dead letters retention takes: the oldest received before, at most limit. */
export interface DeadLetterDeletion {
  receivedBefore: number
  limit: number
}

const COLUMNS = 'message_key, topic, payload, size, truncated, reason, received_at'
const COLUMN_COUNT = 7
const sqlColumns = raw(COLUMNS)

export class DeadLettersRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async insert(tx: Executor, letters: readonly DeadLetter[]): Promise<void> {
    const limit = this.#engine.capabilities.maxBindValues / COLUMN_COUNT

    for (const chunk of chunks(letters, limit)) {
      const rows = chunk.map((l) =>
        list([
          l.messageKey,
          l.topic,
          l.payload,
          l.size,
          l.truncated,
          l.reason,
          l.receivedAt,
        ]),
      )
      await tx.run(sql`INSERT INTO dead_letters (${sqlColumns}) VALUES ${join(rows)}
        ON CONFLICT (message_key) DO NOTHING`)
    }
  }

  async query(query: DeadLetterQuery): Promise<StoredDeadLetter[]> {
    const conditions: Sql[] = []
    if (query.topic !== undefined) conditions.push(sql`topic = ${query.topic}`)
    if (query.after !== undefined) conditions.push(sql`received_at >= ${query.after}`)
    if (query.before !== undefined) conditions.push(sql`received_at < ${query.before}`)
    if (query.beforeId !== undefined) conditions.push(sql`id < ${query.beforeId}`)

    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : EMPTY
    const rows = await this.#engine.query<Record<string, unknown>>(
      sql`SELECT id, ${sqlColumns} FROM dead_letters ${where}
        ORDER BY id DESC LIMIT ${query.limit}`,
    )

    return rows.map(fromRow)
  }

  /** Deletes the oldest letters received before a time; returns how many went. */
  delete(which: DeadLetterDeletion): Promise<number> {
    const { receivedBefore, limit } = which
    return deleteOldest(
      this.#engine,
      'dead_letters',
      'received_at',
      receivedBefore,
      limit,
    )
  }

  async count(): Promise<number> {
    const rows = await this.#engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM dead_letters`,
    )

    return Number(rows[0]?.n ?? 0)
  }
}

function fromRow(row: Record<string, unknown>): StoredDeadLetter {
  return {
    id: Number(row.id),
    messageKey: row.message_key as string,
    topic: row.topic as string,
    payload: Buffer.from(row.payload as Uint8Array),
    size: Number(row.size),
    truncated: fromBool(row.truncated),
    reason: row.reason as string,
    receivedAt: row.received_at as number,
  }
}
