import { fromJson, type Engine, type Executor } from '../engine.js'
import { EMPTY, chunks, join, list, sql, type Sql } from '../sql.js'
import { deleteOldest } from './delete-oldest.js'

/** One change, who asked for it and when. */
export interface AuditEntry {
  /** Unix seconds. */
  time: number
  /** Who asked: the request's `actor`, or the ingest path's name. */
  actor: string
  /** What happened, e.g. 'enroll', 'rename', 'remove'. */
  action: string
  /** Which store the target lives in, e.g. 'person'. */
  targetType: string
  targetId: string
  details: Record<string, unknown>
}

export interface StoredAuditEntry extends AuditEntry {
  id: number
}

export interface AuditQuery {
  targetType?: string
  targetId?: string
  limit: number
  /** id of the last row of the previous page; pages run newest first. */
  beforeId?: number
}

/** Audit entries retention takes: the oldest made before, at most limit. */
export interface AuditDeletion {
  before: number
  limit: number
}

const COLUMN_COUNT = 6

/** The audit trail every feature writes its changes to, in the change's transaction. */
export class AuditRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async insert(tx: Executor, entries: readonly AuditEntry[]): Promise<void> {
    const limit = this.#engine.capabilities.maxBindValues / COLUMN_COUNT

    for (const chunk of chunks(entries, limit)) {
      const rows = chunk.map((e) =>
        list([
          e.time,
          e.actor,
          e.action,
          e.targetType,
          e.targetId,
          JSON.stringify(e.details),
        ]),
      )
      await tx.run(sql`INSERT INTO audit_log
        (time, actor, action, target_type, target_id, details) VALUES ${join(rows)}`)
    }
  }

  async query(query: AuditQuery): Promise<StoredAuditEntry[]> {
    const conditions: Sql[] = []
    if (query.targetType !== undefined) {
      conditions.push(sql`target_type = ${query.targetType}`)
    }
    if (query.targetId !== undefined) conditions.push(sql`target_id = ${query.targetId}`)
    if (query.beforeId !== undefined) conditions.push(sql`id < ${query.beforeId}`)

    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : EMPTY
    const rows = await this.#engine.query<Record<string, unknown>>(
      sql`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ${query.limit}`,
    )

    return rows.map(fromRow)
  }

  /** Deletes the oldest entries made before a time; returns how many went. */
  delete(which: AuditDeletion): Promise<number> {
    return deleteOldest(this.#engine, 'audit_log', 'time', which.before, which.limit)
  }
}

function fromRow(row: Record<string, unknown>): StoredAuditEntry {
  return {
    id: Number(row.id),
    time: row.time as number,
    actor: row.actor as string,
    action: row.action as string,
    targetType: row.target_type as string,
    targetId: row.target_id as string,
    details: fromJson<Record<string, unknown>>(row.details),
  }
}
