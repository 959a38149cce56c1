import { fromJson, type Engine, type Executor } from '../engine.js'
import { chunks, join, list, sql } from '../sql.js'
import { byCodePoint } from './code-point-order.js'

/** What one processing stage of a native event reported. */
export interface EventStage {
  eventId: string
  stage: string
  /** Position among the known stages; -1 for a stage the service does not know. */
  rank: number
  enrichments: Record<string, unknown> | null
  /** As published: strings or {stage, message} objects. */
  errors: unknown[]
  receivedAt: number
}

type StageRow = {
  event_id: string
  stage: string
  stage_rank: number
  enrichments: unknown
  errors: unknown
  received_at: number
}

/**
 * One row per event and stage, so a later stage's message does not erase
 * the enrichments and errors an earlier stage reported.
 */
export class EventStagesRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /** Within one stage, the message received last wins. */
  async upsert(tx: Executor, stages: readonly EventStage[]): Promise<void> {
    const limit = this.#engine.capabilities.maxBindValues / 6

    for (const chunk of chunks(latestPerStage(stages), limit)) {
      const rows = chunk.map((s) =>
        list([
          s.eventId,
          s.stage,
          s.rank,
          s.enrichments && JSON.stringify(s.enrichments),
          JSON.stringify(s.errors),
          s.receivedAt,
        ]),
      )
      await tx.run(sql`INSERT INTO event_stages
        (event_id, stage, stage_rank, enrichments, errors, received_at)
        VALUES ${join(rows)}
        ON CONFLICT (event_id, stage) DO UPDATE SET
          stage_rank = excluded.stage_rank, enrichments = excluded.enrichments,
          errors = excluded.errors, received_at = excluded.received_at
        WHERE excluded.received_at > event_stages.received_at`)
    }
  }

  /** An event's stages in processing order. */
  async forEvent(eventId: string): Promise<EventStage[]> {
    const rows = await this.#engine.query<StageRow>(
      sql`SELECT * FROM event_stages WHERE event_id = ${eventId}`,
    )

    return rows
      .map(fromRow)
      .sort((a, b) => a.rank - b.rank || byCodePoint(a.stage, b.stage))
  }
}

function fromRow(row: StageRow): EventStage {
  return {
    eventId: row.event_id,
    stage: row.stage,
    rank: Number(row.stage_rank),
    enrichments:
      row.enrichments === null
        ? null
        : fromJson<Record<string, unknown>>(row.enrichments),
    errors: fromJson<unknown[]>(row.errors),
    receivedAt: row.received_at,
  }
}

function latestPerStage(stages: readonly EventStage[]): EventStage[] {
  const latest = new Map<string, EventStage>()

  for (const stage of stages) {
    const key = `${stage.eventId}\u0000${stage.stage}`
    const current = latest.get(key)
    if (!current || stage.receivedAt > current.receivedAt) latest.set(key, stage)
  }

  return [...latest.values()]
}
