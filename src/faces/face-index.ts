import type { DistanceKernel, KernelName } from './distance-kernel.js'
import { FaceIndexError } from './face-index-error.js'
import { FACE_LISTS, type FaceList } from './face-list.js'
import type { FaceMatch } from './face-match.js'
import { ModelMatrix } from './model-matrix.js'
import { modelKey, type ModelSpec } from './model-spec.js'
import { isActiveFlags, listOfFlags, rowFlags, searchMask } from './row-flags.js'
import { searchMatrix } from './search-matrix.js'
import { validateEncoding } from './validate-encoding.js'

export interface FaceEntry {
  /** Database id of the encoding; unique across all models. */
  encodingId: number
  personId: number
  list: FaceList
}

export interface FaceSearchOptions {
  /** How many persons to return, each with its best encoding. */
  topK: number
  /** Largest distance (inclusive) worth returning. Default: no limit. */
  threshold?: number
  /** Lists to search. Default: all. */
  lists?: readonly FaceList[]
}

/**
 * Exact nearest-person search over face encodings held in memory, one matrix per
 * model. Answers equal a float64 brute force over the stored encodings; see
 * docs/faces-index.md for the layout and why the float32 kernel does not change them.
 */
export class FaceIndex {
  #kernel: DistanceKernel
  #models = new Map<string, ModelMatrix>()
  #inactive = new Set<number>()

  constructor(kernel: DistanceKernel) {
    this.#kernel = kernel
  }

  get kernelName(): KernelName {
    return this.#kernel.name
  }

  /** Encodings held, over all models. */
  get size(): number {
    let size = 0
    for (const matrix of this.#models.values()) size += matrix.size

    return size
  }

  has(encodingId: number): boolean {
    return this.#find(encodingId) !== undefined
  }

  add(model: ModelSpec, entry: FaceEntry, vector: Float32Array): void {
    const key = modelKey(model)
    checkId('encodingId', entry.encodingId)
    checkId('personId', entry.personId)
    checkList(entry.list)
    validateEncoding(vector, model)
    if (this.has(entry.encodingId)) {
      const message = `encoding ${entry.encodingId} is already indexed`
      throw new FaceIndexError('FACE_DUPLICATE_ENCODING', message)
    }

    const matrix = this.#matrixFor(key, model, true)
    const flags = rowFlags(entry.list, !this.#inactive.has(entry.personId))
    matrix.append(entry.encodingId, entry.personId, flags, vector)
  }

  /**
   * Makes room for `rows` encodings of `model` at once. Optional: a bulk load that
   * reserves first grows each memory once instead of in many small steps.
   */
  reserve(model: ModelSpec, rows: number): void {
    const key = modelKey(model)
    if (!Number.isInteger(rows) || rows < 0) {
      throw new FaceIndexError(
        'FACE_INVALID_ARGUMENT',
        'rows must be a non-negative integer',
      )
    }

    this.#matrixFor(key, model, true).reserve(rows)
  }

  /** Removes one encoding; false when it was not indexed. */
  remove(encodingId: number): boolean {
    const found = this.#find(encodingId)
    if (found === undefined) return false

    found.matrix.removeRow(found.row)

    return true
  }

  /** Removes every encoding of a person and forgets its state; returns the count. */
  removePerson(personId: number): number {
    this.#inactive.delete(personId)

    return this.#eachMatrix((matrix) => matrix.removePerson(personId))
  }

  /** Moves every encoding of a person to `list`; returns how many it moved. */
  setPersonList(personId: number, list: FaceList): number {
    checkList(list)

    return this.#eachMatrix((matrix) =>
      matrix.updatePerson(personId, (flags) => rowFlags(list, isActiveFlags(flags))),
    )
  }

  /**
   * Inactive (soft-deleted) persons stay indexed but never match, including
   * encodings added while inactive. Returns how many encodings changed.
   */
  setPersonActive(personId: number, active: boolean): number {
    if (active) this.#inactive.delete(personId)
    else this.#inactive.add(personId)

    return this.#eachMatrix((matrix) =>
      matrix.updatePerson(personId, (flags) => rowFlags(listOfFlags(flags), active)),
    )
  }

  /**
   * The `topK` nearest active persons, each with its best encoding, by
   * (distance, encodingId) ascending. Only encodings of `model` are compared.
   */
  search(model: ModelSpec, query: Float32Array, options: FaceSearchOptions): FaceMatch[] {
    const key = modelKey(model)
    validateEncoding(query, model, 'query')
    const { topK, threshold = Infinity, lists } = options
    if (!Number.isInteger(topK) || topK < 1) {
      throw new FaceIndexError('FACE_INVALID_ARGUMENT', 'topK must be a positive integer')
    }
    if (Number.isNaN(threshold)) {
      throw new FaceIndexError('FACE_INVALID_ARGUMENT', 'threshold must be a number')
    }
    lists?.forEach(checkList)

    const matrix = this.#matrixFor(key, model, false)
    if (matrix === undefined || matrix.size === 0) return []

    return searchMatrix(matrix, query, { topK, threshold, mask: searchMask(lists) })
  }

  /** Bytes held: every model's WebAssembly memory plus its id, flag and lookup arrays. */
  memoryBytes(): number {
    let bytes = 0
    for (const matrix of this.#models.values()) bytes += matrix.memoryBytes()

    return bytes
  }

  /**
   * Sums every stored float of `model` with the kernel: the same bytes a search
   * reads and no other work, the floor search time is measured against.
   */
  floorScan(model: ModelSpec): number {
    return this.#matrixFor(modelKey(model), model, false)?.floorScan() ?? 0
  }

  #matrixFor(key: string, model: ModelSpec, create: true): ModelMatrix
  #matrixFor(key: string, model: ModelSpec, create: false): ModelMatrix | undefined
  #matrixFor(key: string, model: ModelSpec, create: boolean): ModelMatrix | undefined {
    const held = this.#models.get(key)
    if (held === undefined) {
      if (!create) return undefined
      const matrix = new ModelMatrix({ ...model }, this.#kernel)
      this.#models.set(key, matrix)
      return matrix
    }

    if (held.model.dim !== model.dim || held.model.metric !== model.metric) {
      const { name, version, dim, metric } = held.model
      const message = `${name}@${version} is indexed as ${dim}-dim ${metric}`
      throw new FaceIndexError('FACE_MODEL_MISMATCH', message)
    }

    return held
  }

  #find(encodingId: number): { matrix: ModelMatrix; row: number } | undefined {
    for (const matrix of this.#models.values()) {
      const row = matrix.rowOf(encodingId)
      if (row >= 0) return { matrix, row }
    }

    return undefined
  }

  #eachMatrix(act: (matrix: ModelMatrix) => number): number {
    let total = 0
    for (const matrix of this.#models.values()) total += act(matrix)

    return total
  }
}

function checkId(field: string, value: number): void {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
    throw new FaceIndexError('FACE_INVALID_ID', `${field} must be a 32-bit integer`)
  }
}

function checkList(list: FaceList): void {
  if (!FACE_LISTS.includes(list)) {
    throw new FaceIndexError('FACE_INVALID_ARGUMENT', `unknown list ${String(list)}`)
  }
}
