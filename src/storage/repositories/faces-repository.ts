import type { FaceList } from '../../faces/face-list.js'
import { fromBool, fromJson, type Engine, type Executor } from '../engine.js'
import { EMPTY, join, list as sqlList, raw, sql, type Sql } from '../sql.js'

/** A person of the face database, as stored. */
export interface PersonRecord {
  id: number
  name: string
  list: FaceList
  /** Why the person is on the blacklist, or any note; null when none. */
  reason: string | null
  metadata: Record<string, unknown>
  /** False once removed (soft delete); a removed person never matches. */
  active: boolean
  createdAt: number
  updatedAt: number
  encodingCount: number
}

export type NewPerson = Pick<PersonRecord, 'name' | 'list' | 'reason' | 'metadata'>

/** Fields of a person a change may set. */
export type PersonFields = Partial<
  Pick<PersonRecord, 'name' | 'list' | 'reason' | 'metadata' | 'active'>
>

/** A model's name and version, the key encodings are grouped by. */
export interface ModelRef {
  modelName: string
  modelVersion: string
}

export interface NewEncoding extends ModelRef {
  personId: number
  dim: number
  /** Little-endian float32 bytes, dim * 4 of them. */
  bytes: Buffer
}

/** An encoding without its vector, for listings. */
export interface EncodingSummary extends ModelRef {
  id: number
  personId: number
  dim: number
  createdAt: number
}

export interface StoredEncoding extends EncodingSummary {
  bytes: Uint8Array
  /** The list of its person, for the index. */
  list: FaceList
}

export interface ModelCount extends ModelRef {
  dim: number
  count: number
}

export const PERSON_STATUSES = ['active', 'removed', 'all'] as const
export type PersonStatus = (typeof PERSON_STATUSES)[number]

export interface PersonPageRequest {
  lists?: FaceList[]
  status: PersonStatus
  name?: string
  limit: number
  /** id of the last row of the previous page; pages run by ascending id. */
  afterId?: number
}

const PERSON_COLUMNS = raw(`id, name, list, reason, metadata, active, created_at,
  updated_at, (SELECT count(*) FROM face_encodings e WHERE e.person_id = persons.id)
  AS encoding_count`)
const SUMMARY_COLUMNS = raw('id, person_id, model_name, model_version, dim, created_at')

/** Persons and their face encodings, on any engine. */
export class FacesRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async insertPerson(tx: Executor, person: NewPerson, now: number): Promise<number> {
    const rows = await tx.query<{ id: number }>(sql`INSERT INTO persons
      (name, list, reason, metadata, active, created_at, updated_at)
      VALUES (${person.name}, ${person.list}, ${person.reason},
        ${JSON.stringify(person.metadata)}, ${true}, ${now}, ${now})
      RETURNING id`)

    return Number(rows[0]?.id)
  }

  /** Sets `fields` and updated_at; false when there is no such person. */
  async updatePerson(
    tx: Executor,
    id: number,
    fields: PersonFields,
    now: number,
  ): Promise<boolean> {
    const sets: Sql[] = [sql`updated_at = ${now}`]
    if (fields.name !== undefined) sets.push(sql`name = ${fields.name}`)
    if (fields.list !== undefined) sets.push(sql`list = ${fields.list}`)
    if (fields.reason !== undefined) sets.push(sql`reason = ${fields.reason}`)
    if (fields.metadata !== undefined) {
      sets.push(sql`metadata = ${JSON.stringify(fields.metadata)}`)
    }
    if (fields.active !== undefined) sets.push(sql`active = ${fields.active}`)

    const result = await tx.run(sql`UPDATE persons SET ${join(sets)} WHERE id = ${id}`)

    return result.changes > 0
  }

  /** Inserts one encoding and returns its id. */
  async insertEncoding(
    tx: Executor,
    encoding: NewEncoding,
    now: number,
  ): Promise<number> {
    const rows = await tx.query<{ id: number }>(sql`INSERT INTO face_encodings
      (person_id, model_name, model_version, dim, encoding, created_at)
      VALUES (${encoding.personId}, ${encoding.modelName}, ${encoding.modelVersion},
        ${encoding.dim}, ${encoding.bytes}, ${now})
      RETURNING id`)

    return Number(rows[0]?.id)
  }

  async getPerson(
    id: number,
    db: Executor = this.#engine,
  ): Promise<PersonRecord | undefined> {
    const rows = await db.query<Record<string, unknown>>(
      sql`SELECT ${PERSON_COLUMNS} FROM persons WHERE id = ${id}`,
    )

    return rows[0] && personFromRow(rows[0])
  }

  async findActiveByName(
    name: string,
    db: Executor = this.#engine,
  ): Promise<PersonRecord | undefined> {
    const rows = await db.query<Record<string, unknown>>(sql`SELECT ${PERSON_COLUMNS}
      FROM persons WHERE name = ${name} AND active = ${true}`)

    return rows[0] && personFromRow(rows[0])
  }

  async pagePersons(request: PersonPageRequest): Promise<PersonRecord[]> {
    const conditions: Sql[] = []
    if (request.status !== 'all') {
      conditions.push(sql`active = ${request.status === 'active'}`)
    }
    if (request.lists) conditions.push(sql`list IN ${sqlList(request.lists)}`)
    if (request.name !== undefined) conditions.push(sql`name = ${request.name}`)
    if (request.afterId !== undefined) conditions.push(sql`id > ${request.afterId}`)

    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : EMPTY
    const rows = await this.#engine.query<Record<string, unknown>>(sql`SELECT
      ${PERSON_COLUMNS} FROM persons ${where} ORDER BY id LIMIT ${request.limit}`)

    return rows.map(personFromRow)
  }

  /** Every active person, for the index's name and list lookup. */
  async activePersons(): Promise<PersonRecord[]> {
    const rows = await this.#engine.query<Record<string, unknown>>(
      sql`SELECT ${PERSON_COLUMNS} FROM persons WHERE active = ${true} ORDER BY id`,
    )

    return rows.map(personFromRow)
  }

  /** A person's encodings without their vectors, oldest first. */
  async encodingSummaries(
    personId: number,
    db: Executor = this.#engine,
  ): Promise<EncodingSummary[]> {
    const rows = await db.query<Record<string, unknown>>(sql`SELECT ${SUMMARY_COLUMNS}
      FROM face_encodings WHERE person_id = ${personId} ORDER BY id`)

    return rows.map(summaryFromRow)
  }

  /** A person's encodings with their vectors, oldest first. */
  async encodingsOf(
    personId: number,
    db: Executor = this.#engine,
  ): Promise<StoredEncoding[]> {
    return this.#encodings(sql`e.person_id = ${personId}`, db)
  }

  /** Encodings of active persons after `afterId`, by id: the index loads in pages. */
  async activeEncodingsAfter(afterId: number, limit: number): Promise<StoredEncoding[]> {
    const where = sql`p.active = ${true} AND e.id > ${afterId}`

    return this.#encodings(where, this.#engine, limit)
  }

  /** How many encodings of active persons each model and dim has. */
  async countActiveEncodings(): Promise<ModelCount[]> {
    const rows = await this.#engine.query<Record<string, unknown>>(sql`SELECT
        e.model_name, e.model_version, e.dim, count(*) AS n
      FROM face_encodings e JOIN persons p ON p.id = e.person_id
      WHERE p.active = ${true}
      GROUP BY e.model_name, e.model_version, e.dim
      ORDER BY e.model_name, e.model_version, e.dim`)

    return rows.map((row) => ({
      modelName: row.model_name as string,
      modelVersion: row.model_version as string,
      dim: Number(row.dim),
      count: Number(row.n),
    }))
  }

  async #encodings(where: Sql, db: Executor, limit?: number): Promise<StoredEncoding[]> {
    const limited = limit === undefined ? EMPTY : sql`LIMIT ${limit}`
    const rows = await db.query<Record<string, unknown>>(sql`SELECT
        e.id, e.person_id, e.model_name, e.model_version, e.dim, e.created_at,
        e.encoding, p.list
      FROM face_encodings e JOIN persons p ON p.id = e.person_id
      WHERE ${where} ORDER BY e.id ${limited}`)

    return rows.map((row) => ({
      ...summaryFromRow(row),
      // A reader thread hands BLOBs over as Uint8Array rather than Buffer.
      bytes: row.encoding as Uint8Array,
      list: row.list as FaceList,
    }))
  }
}

function personFromRow(row: Record<string, unknown>): PersonRecord {
  return {
    id: Number(row.id),
    name: row.name as string,
    list: row.list as FaceList,
    reason: row.reason as string | null,
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    active: fromBool(row.active),
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    encodingCount: Number(row.encoding_count),
  }
}

function summaryFromRow(row: Record<string, unknown>): EncodingSummary {
  return {
    id: Number(row.id),
    personId: Number(row.person_id),
    modelName: row.model_name as string,
    modelVersion: row.model_version as string,
    dim: Number(row.dim),
    createdAt: row.created_at as number,
  }
}
