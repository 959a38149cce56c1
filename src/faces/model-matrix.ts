import type { BoundKernel, DistanceKernel } from './distance-kernel.js'
import { FaceIndexError } from './face-index-error.js'
import { GROUP_ROWS } from './kernel-wat.js'
import { MatrixLayout, PAGE_BYTES } from './matrix-layout.js'
import type { ExactDistance, MetricRule } from './metric-rule.js'
import { METRIC_RULES } from './metric-rules.js'
import type { ModelSpec } from './model-spec.js'
import { RowLookup } from './row-lookup.js'
import { type WasmMemory, wasmApi } from './wasm-api.js'

/** A key per row, and the smallest key of each group of GROUP_ROWS rows. */
export interface KeyViews {
  keys: Float32Array
  mins: Float32Array
}

/**
 * One model's encodings: the float32 rows in a WebAssembly.Memory the kernel reads
 * directly, with ids and flags in compact typed arrays beside it. Rows are dense
 * (0..size-1); removal moves the last row into the hole.
 */
export class ModelMatrix {
  readonly model: ModelSpec
  readonly rule: MetricRule
  #layout: MatrixLayout
  #memory: WasmMemory
  #kernel: BoundKernel
  #floats: Float32Array
  #encodingIds: Int32Array
  #personIds: Int32Array
  #flags: Uint8Array
  #lookup = new RowLookup((row) => this.#encodingIds[row]!)
  #size = 0

  constructor(model: ModelSpec, kernel: DistanceKernel) {
    this.model = model
    this.rule = METRIC_RULES[model.metric]
    this.#layout = MatrixLayout.forModel(model.dim, this.rule.scaled)
    this.#memory = new wasmApi.Memory({ initial: this.#layout.pages })
    this.#kernel = kernel.bind(this.#memory)
    this.#floats = new Float32Array(this.#memory.buffer)
    this.#encodingIds = new Int32Array(this.#layout.capacity)
    this.#personIds = new Int32Array(this.#layout.capacity)
    this.#flags = new Uint8Array(this.#layout.capacity)
  }

  get size(): number {
    return this.#size
  }

  /** Row flags of rows 0..size-1 (see row-flags.ts); valid until the next write. */
  get flags(): Uint8Array {
    return this.#flags.subarray(0, this.#size)
  }

  rowOf(encodingId: number): number {
    return this.#lookup.get(encodingId)
  }

  encodingIdAt(row: number): number {
    return this.#encodingIds[row]!
  }

  personIdAt(row: number): number {
    return this.#personIds[row]!
  }

  flagsAt(row: number): number {
    return this.#flags[row]!
  }

  append(
    encodingId: number,
    personId: number,
    flags: number,
    vector: Float32Array,
  ): void {
    if (this.#size === this.#layout.capacity) this.#grow(this.#layout.grown())

    const row = this.#size
    const offset = this.#rowOffset(row)
    const scale = this.#layout.scales / 4 + row
    this.#floats.set(vector, offset)
    // Padding stays zero so it adds nothing to any distance
    this.#floats.fill(0, offset + vector.length, offset + this.#layout.width / 4)
    if (this.rule.scaled) this.#floats[scale] = this.rule.rowScale(vector)

    this.#encodingIds[row] = encodingId
    this.#personIds[row] = personId
    this.#flags[row] = flags
    this.#lookup.set(encodingId, row)
    this.#size++
  }

  /** Makes room for `rows` rows in one step, so a bulk load grows the memory once. */
  reserve(rows: number): void {
    if (rows > this.#layout.capacity) this.#grow(this.#layout.withRoomFor(rows))
    this.#lookup.reserve(rows)
  }

  /** Drops a row by moving the last row into its place: O(dim). */
  removeRow(row: number): void {
    const last = this.#size - 1

    this.#lookup.delete(this.#encodingIds[row]!)
    if (row !== last) this.#moveRow(last, row)
    this.#size--
  }

  /** Rewrites the flags of every row of `personId`; returns how many rows it touched. */
  updatePerson(personId: number, update: (flags: number) => number): number {
    let touched = 0
    for (let row = 0; row < this.#size; row++) {
      if (this.#personIds[row] !== personId) continue
      this.#flags[row] = update(this.#flags[row]!)
      touched++
    }

    return touched
  }

  removePerson(personId: number): number {
    // Backwards, so the row moved into a hole has already been looked at
    let removed = 0
    for (let row = this.#size - 1; row >= 0; row--) {
      if (this.#personIds[row] !== personId) continue
      this.removeRow(row)
      removed++
    }

    return removed
  }

  /** Runs the kernel over every row; the views are valid until the next write. */
  computeKeys(query: Float32Array): KeyViews {
    const layout = this.#layout
    const queryView = this.#floats.subarray(
      layout.query / 4,
      layout.query / 4 + query.length,
    )

    this.rule.prepareQuery(query, queryView)
    this.rule.computeKeys(this.#kernel, {
      query: layout.query,
      matrix: layout.matrix,
      scales: layout.scales,
      out: layout.keys,
      mins: layout.mins,
      rows: this.#size,
      width: layout.width,
    })

    const groups = Math.ceil(this.#size / GROUP_ROWS)
    return {
      keys: new Float32Array(this.#memory.buffer, layout.keys, this.#size),
      mins: new Float32Array(this.#memory.buffer, layout.mins, groups),
    }
  }

  /** The float64 distance of `query` to a row; see MetricRule.exactDistance. */
  exactDistance(query: Float32Array): (row: number) => number {
    const distance: ExactDistance = this.rule.exactDistance(query)

    return (row) => distance(this.#floats, this.#rowOffset(row))
  }

  /** Sums every stored float once: the least work any exact scan can do. */
  floorScan(): number {
    return this.#kernel.sum(this.#layout.matrix, this.#size * this.#layout.width)
  }

  get width(): number {
    return this.#layout.width
  }

  memoryBytes(): number {
    const ids = this.#encodingIds.byteLength + this.#personIds.byteLength

    return (
      this.#memory.buffer.byteLength +
      ids +
      this.#flags.byteLength +
      this.#lookup.byteLength
    )
  }

  #rowOffset(row: number): number {
    return (this.#layout.matrix + row * this.#layout.width) / 4
  }

  #moveRow(from: number, to: number): void {
    const stride = this.#layout.width / 4
    const source = this.#rowOffset(from)
    const scales = this.#layout.scales / 4
    const encodingId = this.#encodingIds[from]!

    this.#floats.copyWithin(this.#rowOffset(to), source, source + stride)
    if (this.rule.scaled) this.#floats[scales + to] = this.#floats[scales + from]!
    this.#encodingIds[to] = encodingId
    this.#personIds[to] = this.#personIds[from]!
    this.#flags[to] = this.#flags[from]!
    this.#lookup.set(encodingId, to)
  }

  #grow(next: MatrixLayout): void {
    const old = this.#layout

    try {
      this.#memory.grow(next.pages - this.#memory.buffer.byteLength / PAGE_BYTES)
    } catch (cause) {
      const message = `no room for more ${this.model.name} encodings (${this.#size} held)`
      throw new FaceIndexError('FACE_INDEX_FULL', message, { cause })
    }

    // The rows stay put; the scales after them move out to make room
    this.#floats = new Float32Array(this.#memory.buffer)
    if (next.scaled) {
      const from = old.scales / 4
      this.#floats.copyWithin(next.scales / 4, from, from + this.#size)
    }
    this.#encodingIds = withLength(this.#encodingIds, new Int32Array(next.capacity))
    this.#personIds = withLength(this.#personIds, new Int32Array(next.capacity))
    this.#flags = withLength(this.#flags, new Uint8Array(next.capacity))
    this.#layout = next
  }
}

function withLength<T extends Int32Array | Uint8Array>(old: T, next: T): T {
  next.set(old)

  return next
}
