import { fromBool, fromJson, type Engine, type Executor } from '../engine.js'
import { EMPTY, chunks, join, list, raw, sql, type Sql } from '../sql.js'
import type { TimeOrderedMatch } from '../event-search.js'
import { byCodePoint } from './code-point-order.js'
import type { EventDerivedState } from './event-derived-state.js'
import { revisionUpsert } from './revision-upsert.js'
import { latestPerId, type EventOrigin, type EventRecord } from './event-record.js'

/** Sorts that page by keyset; relevance (with words only) pages by offset. */
export const EVENT_SORTS = ['start_time_desc', 'start_time_asc', 'score_desc'] as const
export type EventSort = (typeof EVENT_SORTS)[number] | 'relevance'

export interface EventFilter {
  cameras?: string[]
  labels?: string[]
  subLabels?: string[]
  /** Matches the person taken from face results, or the sub_label. */
  persons?: string[]
  zones?: string[]
  eventTypes?: string[]
  after?: number
  before?: number
  minScore?: number
  maxScore?: number
  hasClip?: boolean
  hasSnapshot?: boolean
  inProgress?: boolean
  /** Words that must all appear in the searched columns (see EventSearch). */
  words?: string[]
}

/** Where the previous page ended: the sort key and id of its last row. */
export interface EventKey {
  value: number
  id: string
}

export interface EventPageRequest {
  filter: EventFilter
  sort: EventSort
  limit: number
  /** Keyset paging: where the previous page ended. Not with sort relevance. */
  after?: EventKey
  /** Rows to skip, for small pages and for sort relevance. */
  offset?: number
}

export interface EventPage {
  events: EventRecord[]
  /** Key of the last row when another page follows. */
  next: EventKey | null
}

/** Which events to delete: these ids, and/or every event started before. */
export interface EventDeletion {
  ids?: readonly string[]
  startedBefore?: number
  /** With startedBefore: only this camera's events; null, those without one. */
  camera?: string | null
  /** With startedBefore: at most this many of them, oldest first. */
  limit?: number
}

const COLUMNS = [
  'id',
  'origin',
  'event_type',
  'camera',
  'label',
  'source',
  'sub_label',
  'sub_label_score',
  'score',
  'top_score',
  'start_time',
  'end_time',
  'has_clip',
  'has_snapshot',
  'processing_stage',
  'parent_event_id',
  'zones',
  'data',
  'rev_closed',
  'rev_time',
  'rev_step',
  'created_at',
  'updated_at',
] as const

// Replaced on a newer revision; created_at stays as first written.
const UPDATED_COLUMNS = COLUMNS.filter((c) => c !== 'id' && c !== 'created_at')

// Column sorts; relevance orders by the search's rank instead.
const SORTS: Record<
  Exclude<EventSort, 'relevance'>,
  { column: string; descending: boolean }
> = {
  start_time_desc: { column: 'start_time', descending: true },
  start_time_asc: { column: 'start_time', descending: false },
  score_desc: { column: 'top_score', descending: true },
}

// person and description are written from recognition results, never by the upsert.
type EventRow = Record<(typeof COLUMNS)[number] | 'person' | 'description', unknown>

// Named, not *: an engine may keep more columns (PostgreSQL's search vector).
const SELECTED = raw(
  [...COLUMNS, 'person', 'description'].map((c) => `events.${c}`).join(', '),
)

// Tables that keep rows per event id, deleted with their event.
const EVENT_TABLES = ['event_zones', 'event_results', 'event_timeline', 'event_stages']

/** Security events of every origin, on any engine. */
export class EventsRepository {
  readonly #engine: Engine
  readonly #derived: EventDerivedState

  constructor(engine: Engine, derived: EventDerivedState) {
    this.#engine = engine
    this.#derived = derived
  }

  /**
   * Writes states of events, keeping per id the one with the greatest
   * revision, both within the batch and against what is stored. Zones only
   * accumulate. Applying the same states again changes nothing.
   */
  async upsert(tx: Executor, records: readonly EventRecord[]): Promise<void> {
    if (records.length === 0) return
    const { maxBindValues } = this.#engine.capabilities
    const latest = latestPerId(records)

    await this.#derived.around(
      tx,
      latest.map((record) => record.id),
      async () => {
        for (const chunk of chunks(latest, maxBindValues / COLUMNS.length)) {
          await tx.run(upsertStatement(chunk))
        }
      },
    )

    for (const chunk of chunks(uniqueZones(records), maxBindValues / 2)) {
      await tx.run(sql`INSERT INTO event_zones (event_id, zone) VALUES ${join(chunk.map(list))}
        ON CONFLICT (event_id, zone) DO NOTHING`)
    }
  }

  async get(id: string, db: Executor = this.#engine): Promise<EventRecord | undefined> {
    const rows = await db.query<EventRow>(
      sql`SELECT ${SELECTED} FROM events WHERE id = ${id}`,
    )

    return rows[0] && fromRow(rows[0])
  }

  /** Events that name this one as their parent, oldest first. */
  async children(parentId: string): Promise<EventRecord[]> {
    const rows = await this.#engine.query<EventRow>(sql`SELECT ${SELECTED} FROM events
      WHERE parent_event_id = ${parentId} ORDER BY start_time, id`)

    return rows.map(fromRow)
  }

  async page(request: EventPageRequest): Promise<EventPage> {
    const words = request.filter.words
    if (words?.length === 0) return { events: [], next: null }

    const match = words ? this.#engine.search.match(words) : undefined
    const persons = request.filter.persons
    const eitherPerson = persons && !match && request.sort !== 'relevance'
    const conditions = filterConditions(request.filter, !eitherPerson)
    const order = sortOrder(request.sort, match?.relevance)
    if (request.after && order.keyset) conditions.push(order.keyset(request.after))

    const timeOrdered = request.sort.startsWith('start_time') ? match?.byTime : undefined
    let rows: EventRow[]
    if (timeOrdered) {
      rows = await this.#walkByTime(timeOrdered, conditions, request)
    } else if (eitherPerson) {
      rows = await this.#eitherPerson(persons, conditions, order.by, request)
    } else {
      if (match) conditions.push(match.where)
      const where =
        conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : EMPTY
      const offset = request.offset ? sql`OFFSET ${request.offset}` : EMPTY
      rows = await this.#engine.query<EventRow>(sql`SELECT ${SELECTED}
        FROM events ${match?.from ?? EMPTY} ${where}
        ORDER BY ${order.by} LIMIT ${request.limit + 1} ${offset}`)
    }
    const events = rows.slice(0, request.limit).map(fromRow)
    const last = events[events.length - 1]
    const next =
      rows.length > request.limit && last
        ? {
            value: request.sort === 'score_desc' ? last.topScore : last.startTime,
            id: last.id,
          }
        : null

    return { events, next }
  }

  /**
   * A page of events whose person (face result) or sub_label (Frigate's own
   * recognition) is one of `names`. One OR over both columns makes either
   * engine read every match in the range and sort it; each column's index
   * walked on its own stops after a page, and the page is the best of both.
   */
  async #eitherPerson(
    names: readonly string[],
    conditions: readonly Sql[],
    orderBy: Sql,
    request: EventPageRequest,
  ): Promise<EventRow[]> {
    const take = (request.offset ?? 0) + request.limit + 1
    const branch = (column: string) => {
      const all = [...conditions, sql`${raw(column)} IN ${list(names)}`]
      return sql`SELECT id FROM (SELECT events.id FROM events
        WHERE ${join(all, ' AND ')} ORDER BY ${orderBy} LIMIT ${take}) ${raw(`by_${column}`)}`
    }
    const offset = request.offset ? sql`OFFSET ${request.offset}` : EMPTY

    return this.#engine.query<EventRow>(sql`SELECT ${SELECTED} FROM events
      WHERE events.id IN (${branch('person')} UNION ALL ${branch('sub_label')})
      ORDER BY ${orderBy} LIMIT ${request.limit + 1} ${offset}`)
  }

  /**
   * A page sorted by start time from a search index that yields its matches
   * in that order: reads the page's rows (and offset) in index order, then
   * the rest of the slot the last of them lies in, whose order the index
   * does not know, and sorts the lot exactly.
   */
  async #walkByTime(
    match: TimeOrderedMatch,
    conditions: readonly Sql[],
    request: EventPageRequest,
  ): Promise<EventRow[]> {
    const descending = request.sort === 'start_time_desc'
    const { after, before } = request.filter
    const key = request.after?.value
    const range = descending
      ? match.within(after, key ?? before)
      : match.within(key ?? after, before)
    const wanted = (request.offset ?? 0) + request.limit + 1
    // One range on the index per read: FTS5 seeks by one pair of rowid
    // bounds and filters by the others, so the slot's read leaves out the
    // page's (wider) range, which its own filters still imply.
    const read = (bounds: Sql | undefined, limit?: number) => {
      const all = [...conditions, match.where, ...(bounds ? [bounds] : [])]
      return this.#engine.query<EventRow>(sql`SELECT ${SELECTED} FROM ${match.from}
        WHERE ${join(all, ' AND ')}
        ORDER BY ${match.order(descending)} ${limit ? sql`LIMIT ${limit}` : EMPTY}`)
    }

    const rows = await read(range, wanted)
    const last = rows[rows.length - 1]
    if (rows.length === wanted && last) {
      const seen = new Set(rows.map((row) => row.id))
      for (const row of await read(match.slot(last.start_time as number))) {
        if (!seen.has(row.id)) rows.push(row)
      }
    }
    const sign = descending ? -1 : 1
    rows.sort(
      (a, b) =>
        sign * ((a.start_time as number) - (b.start_time as number)) ||
        sign * byCodePoint(a.id as string, b.id as string),
    )

    return rows.slice(request.offset ?? 0, wanted)
  }

  /**
   * Deletes events with their zones, results, timeline, stages and search
   * entries, keeping the rollups exact. Returns how many events went.
   * With ids, their results and timeline go even when the event never came.
   * Retention deletes in limited chunks, each its own transaction, so that
   * ingest batches get their turn between them.
   */
  async delete(which: EventDeletion): Promise<number> {
    const { maxBindValues } = this.#engine.capabilities

    return this.#engine.transaction(async (tx) => {
      const ids = new Set(which.ids)
      if (which.startedBefore !== undefined) {
        const chosen = startedBefore(which.startedBefore, which)
        for (const row of await tx.query<{ id: string }>(chosen)) ids.add(row.id)
      }
      let deleted = 0

      for (const chunk of chunks([...ids], maxBindValues)) {
        await this.#derived.around(tx, chunk, async () => {
          for (const table of EVENT_TABLES) {
            await tx.run(sql`DELETE FROM ${raw(table)} WHERE event_id IN ${list(chunk)}`)
          }
          const result = await tx.run(sql`DELETE FROM events WHERE id IN ${list(chunk)}`)
          deleted += result.changes
        })
      }

      return deleted
    })
  }
}

interface SortOrder {
  by: Sql
  keyset?: (after: EventKey) => Sql
}

function sortOrder(sort: EventSort, relevance: Sql | undefined): SortOrder {
  if (sort === 'relevance') {
    return { by: sql`${relevance ?? raw('0')} DESC, events.id DESC` }
  }

  const { column, descending } = SORTS[sort]
  const direction = raw(descending ? 'DESC' : 'ASC')
  const op = raw(descending ? '<' : '>')

  return {
    by: sql`events.${raw(column)} ${direction}, events.id ${direction}`,
    keyset: (after) =>
      sql`(events.${raw(column)}, events.id) ${op} (${after.value}, ${after.id})`,
  }
}

/** The filter as conditions on events; `persons` only when asked (see #eitherPerson). */
function filterConditions(filter: EventFilter, withPersons = true): Sql[] {
  const conditions: Sql[] = []

  if (filter.cameras) conditions.push(sql`camera IN ${list(filter.cameras)}`)
  if (filter.labels) conditions.push(sql`label IN ${list(filter.labels)}`)
  if (filter.subLabels) conditions.push(sql`sub_label IN ${list(filter.subLabels)}`)
  if (filter.persons && withPersons) {
    const names = list(filter.persons)
    conditions.push(sql`(person IN ${names} OR sub_label IN ${names})`)
  }
  if (filter.eventTypes) conditions.push(sql`event_type IN ${list(filter.eventTypes)}`)
  if (filter.zones) {
    conditions.push(sql`EXISTS (SELECT 1 FROM event_zones z
      WHERE z.event_id = events.id AND z.zone IN ${list(filter.zones)})`)
  }
  if (filter.after !== undefined) conditions.push(sql`start_time >= ${filter.after}`)
  if (filter.before !== undefined) conditions.push(sql`start_time < ${filter.before}`)
  if (filter.minScore !== undefined) conditions.push(sql`top_score >= ${filter.minScore}`)
  if (filter.maxScore !== undefined) conditions.push(sql`top_score <= ${filter.maxScore}`)
  if (filter.hasClip !== undefined) conditions.push(sql`has_clip = ${filter.hasClip}`)
  if (filter.hasSnapshot !== undefined) {
    conditions.push(sql`has_snapshot = ${filter.hasSnapshot}`)
  }
  if (filter.inProgress !== undefined) {
    conditions.push(filter.inProgress ? sql`end_time IS NULL` : sql`end_time IS NOT NULL`)
  }

  return conditions
}

function upsertStatement(records: readonly EventRecord[]): Sql {
  const now = Date.now() / 1000

  return revisionUpsert(
    'events',
    COLUMNS,
    UPDATED_COLUMNS,
    records.map((record) => toRow(record, now)),
  )
}

function toRow(record: EventRecord, now: number): unknown[] {
  return [
    record.id,
    record.origin,
    record.eventType,
    record.camera,
    record.label,
    record.source,
    record.subLabel,
    record.subLabelScore,
    record.score,
    record.topScore,
    record.startTime,
    record.endTime,
    record.hasClip,
    record.hasSnapshot,
    record.processingStage,
    record.parentEventId,
    JSON.stringify(record.zones),
    JSON.stringify(record.data),
    record.revision.closed,
    record.revision.time,
    record.revision.step,
    now,
    record.updatedAt,
  ]
}

function fromRow(row: EventRow): EventRecord {
  return {
    id: row.id as string,
    origin: row.origin as EventOrigin,
    eventType: row.event_type as string,
    camera: row.camera as string | null,
    label: row.label as string | null,
    source: row.source as string | null,
    subLabel: row.sub_label as string | null,
    subLabelScore: row.sub_label_score as number | null,
    score: row.score as number | null,
    topScore: row.top_score as number,
    startTime: row.start_time as number,
    endTime: row.end_time as number | null,
    hasClip: fromBool(row.has_clip),
    hasSnapshot: fromBool(row.has_snapshot),
    processingStage: row.processing_stage as string | null,
    parentEventId: row.parent_event_id as string | null,
    person: row.person as string | null,
    description: row.description as string | null,
    zones: fromJson<string[]>(row.zones),
    data: fromJson<Record<string, unknown>>(row.data),
    revision: {
      closed: row.rev_closed === 1 ? 1 : 0,
      time: row.rev_time as number,
      step: row.rev_step as number,
    },
    updatedAt: row.updated_at as number,
  }
}

function uniqueZones(records: readonly EventRecord[]): [string, string][] {
  const seen = new Set<string>()
  const pairs: [string, string][] = []

  for (const record of records) {
    for (const zone of record.zones) {
      const key = `${record.id}\u0000${zone}`
      if (seen.has(key)) continue
      seen.add(key)
      pairs.push([record.id, zone])
    }
  }

  return pairs
}

/** Ids of the events a deletion by start time takes. */
function startedBefore(time: number, which: EventDeletion): Sql {
  const camera =
    which.camera === undefined
      ? EMPTY
      : which.camera === null
        ? sql`AND camera IS NULL`
        : sql`AND camera = ${which.camera}`
  // By start_time alone: events_start and events_camera_start both walk in that
  // order, so the search stops after `limit` rows without a sort.
  const oldest =
    which.limit === undefined ? EMPTY : sql`ORDER BY start_time LIMIT ${which.limit}`

  return sql`SELECT id FROM events WHERE start_time < ${time} ${camera} ${oldest}`
}
