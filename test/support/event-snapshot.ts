import type { Engine } from '../../src/storage/engine.js'
import type { EventRecord } from '../../src/storage/repositories/event-record.js'
import type { EventsRepository } from '../../src/storage/repositories/events-repository.js'
import { sql } from '../../src/storage/sql.js'

/** Everything the events store holds, in a form chai can deep-compare. */
export interface EventsSnapshot {
  events: Record<string, EventRecord>
  /** `event_id zone` pairs of event_zones, sorted. */
  zones: string[]
}

export async function snapshotEvents(
  engine: Engine,
  events: EventsRepository,
): Promise<EventsSnapshot> {
  const ids = await engine.query<{ id: string }>(sql`SELECT id FROM events ORDER BY id`)
  const zoneRows = await engine.query<{ event_id: string; zone: string }>(
    sql`SELECT event_id, zone FROM event_zones`,
  )
  const snapshot: EventsSnapshot = {
    events: {},
    zones: zoneRows.map((row) => `${row.event_id} ${row.zone}`).sort(),
  }

  for (const { id } of ids) {
    const record = await events.get(id)
    if (record) snapshot.events[id] = record
  }

  return snapshot
}

export async function clearEvents(engine: Engine): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM event_zones`)
    await tx.run(sql`DELETE FROM events`)
  })
}
