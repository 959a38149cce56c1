import type { Engine, Executor } from '../engine.js'
import { sql } from '../sql.js'

/**
 * How far each local inbox has been applied. Written in the transaction that
 * applies a batch, so a batch counts as applied exactly when its rows do.
 */
export class IngestOffsetsRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async get(inboxId: string): Promise<number> {
    const rows = await this.#engine.query<{ last_seq: number | string }>(
      sql`SELECT last_seq FROM ingest_offsets WHERE inbox_id = ${inboxId}`,
    )

    return Number(rows[0]?.last_seq ?? 0)
  }

  async set(tx: Executor, inboxId: string, lastSeq: number): Promise<void> {
    await tx.run(sql`INSERT INTO ingest_offsets (inbox_id, last_seq, updated_at)
      VALUES (${inboxId}, ${lastSeq}, ${Date.now() / 1000})
      ON CONFLICT (inbox_id) DO UPDATE SET last_seq = excluded.last_seq,
        updated_at = excluded.updated_at`)
  }
}
