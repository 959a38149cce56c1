import type { Logger } from '../log/logger.js'
import type { Engine, Executor } from '../storage/engine.js'
import type { AuditRepository } from '../storage/repositories/audit-repository.js'
import type {
  FacesRepository,
  PersonFields,
  PersonRecord,
  StoredEncoding,
} from '../storage/repositories/faces-repository.js'
import { decodeEncoding, encodingToBytes } from './encoding-codec.js'
import { checkEnrollTarget, findEnrollTarget } from './enroll-target.js'
import { FaceDirectoryError } from './face-directory-error.js'
import { FaceEvents } from './face-events.js'
import type { FaceIndex } from './face-index.js'
import { confidenceOf, specOf, type FaceModel, type FaceModels } from './face-models.js'
import type {
  ChangeResult,
  EnrollRequest,
  EnrollResult,
  FaceVerdict,
  SearchMatch,
  SearchRequest,
  SearchResult,
} from './face-requests.js'
import { IndexLoader } from './index-loader.js'
import { auditEntry, planChanges, type PersonAction } from './person-changes.js'

export interface FaceDirectoryOptions {
  engine: Engine
  faces: FacesRepository
  audit: AuditRepository
  index: FaceIndex
  models: FaceModels
  /** faces.topK: persons a search returns when it asks for no number. */
  defaultTopK: number
  logger: Logger
  /** Encodings read per query while loading. Default 2000. */
  loadPageSize?: number
}

const DEFAULT_LOAD_PAGE = 2000

/**
 * The face database as the rest of the service sees it: writes go to the
 * database first, then to the in-memory index, and only then return, so a
 * write that has been answered is already searchable. Searches read only the
 * index. Writes run one at a time, so the index changes in commit order.
 *
 * TODO(faces): another instance on the same database learns these writes only
 * at its next start; PostgreSQL LISTEN/NOTIFY would keep several in step.
 * TODO(faces): no way yet to delete one bad sample, or to erase a person for
 * good (removal is soft); both need an op and an audit action.
 */
export class FaceDirectory {
  readonly events = new FaceEvents()
  readonly #o: FaceDirectoryOptions
  readonly #loader: IndexLoader
  /** Active persons by id: names and reasons for search answers. */
  readonly #persons = new Map<number, PersonRecord>()
  #writes: Promise<unknown> = Promise.resolve()

  constructor(options: FaceDirectoryOptions) {
    this.#o = options
    this.#loader = new IndexLoader({
      ...options,
      pageSize: options.loadPageSize ?? DEFAULT_LOAD_PAGE,
    })
  }

  /** Active persons and encodings held in memory. */
  get stats(): { persons: number; encodings: number; memoryBytes: number } {
    const { index } = this.#o

    return {
      persons: this.#persons.size,
      encodings: index.size,
      memoryBytes: index.memoryBytes(),
    }
  }

  /** Loads every active person's encodings of a configured model into the index. */
  async start(): Promise<void> {
    const { faces, index, logger } = this.#o
    const started = performance.now()

    for (const person of await faces.activePersons()) this.#persons.set(person.id, person)
    const skipped = await this.#loader.loadActive()

    const ms = Math.round(performance.now() - started)
    const kernel = index.kernelName
    logger.info({ ...this.stats, skipped, kernel, ms }, 'face index loaded')
  }

  /** Waits for the write in progress. */
  async stop(): Promise<void> {
    await this.#writes.catch(() => undefined)
  }

  /** New person or new samples; checked in full before the database is touched. */
  async enroll(request: EnrollRequest): Promise<EnrollResult> {
    const model = this.#o.models.resolve(request.model, request.modelVersion)
    const spec = specOf(model)
    const vectors = request.encodings.map((e) => decodeEncoding(e.value, spec, e.field))
    checkEnrollTarget(request)

    return this.#serial(async () => {
      const result = await this.#o.engine.transaction((tx) =>
        this.#writeEnrolment(tx, request, model, vectors),
      )

      const { person, encodingIds } = result
      if (person.active) {
        this.#persons.set(person.id, person)
        encodingIds.forEach((encodingId, i) => {
          const entry = { encodingId, personId: person.id, list: person.list }
          this.#o.index.add(spec, entry, vectors[i] as Float32Array)
        })
      }

      return result
    })
  }

  /** Renames, moves, updates, removes (active false) or restores (active true). */
  async update(id: number, fields: PersonFields, actor: string): Promise<ChangeResult> {
    return this.#serial(async () => {
      const now = Date.now() / 1000

      const result = await this.#o.engine.transaction(async (tx) => {
        const current = await this.#mustGet(tx, id, 'id')
        const plan = planChanges(current, fields)
        if (plan.actions.length === 0) return { person: current, actions: [], rows: [] }

        await this.#checkNameFree(tx, current, plan.fields)
        await this.#o.faces.updatePerson(tx, id, plan.fields, now)
        const entries = plan.actions.map((a) => auditEntry(id, a, actor, now))
        await this.#o.audit.insert(tx, entries)
        const person = await this.#mustGet(tx, id, 'id')
        const rows = plan.fields.active ? await this.#o.faces.encodingsOf(id, tx) : []

        return { person, actions: plan.actions.map((a) => a.action), rows }
      })

      this.#applyChange(result.person, result.actions, result.rows)

      return { person: result.person, actions: result.actions }
    })
  }

  remove(id: number, actor: string): Promise<ChangeResult> {
    return this.update(id, { active: false }, actor)
  }

  /**
   * The nearest active persons within the threshold. A blacklist verdict is
   * also announced on `events`, for the composition root to publish.
   */
  search(request: SearchRequest): SearchResult {
    const model = this.#o.models.resolve(request.model, request.modelVersion)
    const spec = specOf(model)
    const query = decodeEncoding(request.encoding, spec, 'encoding')
    const threshold = request.threshold ?? model.threshold
    const topK = request.topK ?? this.#o.defaultTopK

    const found = this.#o.index.search(spec, query, {
      topK,
      threshold,
      lists: request.lists,
    })
    const matches = found.map((match): SearchMatch => {
      const person = this.#persons.get(match.personId)
      if (!person) throw new Error(`person ${match.personId} is indexed but not held`)
      return {
        personId: match.personId,
        name: person.name,
        list: match.list,
        reason: person.reason,
        encodingId: match.encodingId,
        distance: match.distance,
        confidence: confidenceOf(model, match.distance),
      }
    })
    const verdict: FaceVerdict = matches[0]?.list ?? 'unknown'

    if (verdict === 'blacklist') this.#announce(matches[0], request, model, threshold)

    return { verdict, matches, model, threshold, topK }
  }

  async #writeEnrolment(
    tx: Executor,
    request: EnrollRequest,
    model: FaceModel,
    vectors: Float32Array[],
  ): Promise<EnrollResult> {
    const { faces, audit } = this.#o
    const now = Date.now() / 1000
    const { personId, created } = await findEnrollTarget(tx, faces, request, now)

    const encodingIds: number[] = []
    for (const vector of vectors) {
      const bytes = encodingToBytes(vector)
      const row = { personId, modelName: model.name, modelVersion: model.version }
      encodingIds.push(
        await faces.insertEncoding(tx, { ...row, dim: model.dim, bytes }, now),
      )
    }
    if (!created) await faces.updatePerson(tx, personId, {}, now)

    const person = await this.#mustGet(tx, personId, 'person_id')
    const details = {
      ...(created ? { name: person.name, list: person.list, reason: person.reason } : {}),
      model: model.name,
      model_version: model.version,
      encoding_ids: encodingIds,
    }
    const action = created ? 'enroll' : 'add_sample'
    await audit.insert(tx, [
      auditEntry(personId, { action, details }, request.actor, now),
    ])

    return { person, created, encodingIds }
  }

  /** Brings the index and the held persons in step with a committed change. */
  #applyChange(person: PersonRecord, actions: PersonAction[], rows: StoredEncoding[]) {
    const { index } = this.#o
    if (actions.length === 0) return

    if (!person.active) {
      index.removePerson(person.id)
      this.#persons.delete(person.id)
      return
    }

    this.#persons.set(person.id, person)
    if (actions.includes('restore')) {
      for (const row of rows) this.#loader.add(row, person.list)
    } else if (actions.includes('move')) {
      index.setPersonList(person.id, person.list)
    }
  }

  #announce(
    best: SearchMatch | undefined,
    request: SearchRequest,
    model: FaceModel,
    threshold: number,
  ): void {
    if (!best) return

    this.events.emit('blacklistMatch', {
      time: Date.now() / 1000,
      personId: best.personId,
      name: best.name,
      reason: best.reason,
      encodingId: best.encodingId,
      distance: best.distance,
      confidence: best.confidence,
      threshold,
      model: model.name,
      modelVersion: model.version,
      camera: request.camera ?? null,
      eventId: request.eventId ?? null,
    })
  }

  /** A name belongs to one active person at a time. */
  async #checkNameFree(
    tx: Executor,
    current: PersonRecord,
    fields: PersonFields,
  ): Promise<void> {
    const active = fields.active ?? current.active
    const name = fields.name ?? current.name
    if (!active || (fields.name === undefined && fields.active !== true)) return

    const holder = await this.#o.faces.findActiveByName(name, tx)
    if (holder && holder.id !== current.id) {
      throw new FaceDirectoryError(
        'FACE_NAME_TAKEN',
        `another active person (${holder.id}) is named ${name}`,
        fields.name === undefined ? 'id' : 'name',
      )
    }
  }

  async #mustGet(tx: Executor, id: number, field: string): Promise<PersonRecord> {
    const person = await this.#o.faces.getPerson(id, tx)
    if (person) return person

    throw new FaceDirectoryError(
      'FACE_PERSON_NOT_FOUND',
      `no person with id ${id}`,
      field,
    )
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work)
    this.#writes = next.catch(() => undefined)

    return next
  }
}
