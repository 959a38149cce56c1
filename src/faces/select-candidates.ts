import { GROUP_ROWS } from './kernel-wat.js'
import type { KeyViews } from './model-matrix.js'

/** The rows with the smallest keys, in no particular order. */
export interface Candidates {
  rows: Int32Array
  /** True when `limit` rows were kept, so eligible rows may have been left out. */
  full: boolean
  /** When full, every row left out has a key at least this large. */
  worstKey: number
}

/**
 * Keeps the `limit` smallest keys among eligible rows (flags & mask) with
 * key <= cutoff, in a bounded max-heap. Once the heap is full a group of rows whose
 * minimum key cannot enter it costs one comparison, which is what most groups cost.
 */
export function selectCandidates(
  { keys, mins }: KeyViews,
  flags: Uint8Array,
  mask: number,
  cutoff: number,
  limit: number,
): Candidates {
  const heapKeys = new Float64Array(limit)
  const heapRows = new Int32Array(limit)
  const count = keys.length

  let size = 0
  let top = cutoff
  for (let group = 0, start = 0; start < count; group++, start += GROUP_ROWS) {
    const min = mins[group]!
    if (size < limit ? min > cutoff : min >= top) continue

    const end = Math.min(count, start + GROUP_ROWS)
    for (let row = start; row < end; row++) {
      const key = keys[row]!
      if (size < limit) {
        if (key > cutoff || (flags[row]! & mask) === 0) continue
        siftUp(heapKeys, heapRows, size++, key, row)
        if (size === limit) top = heapKeys[0]!
      } else {
        if (key >= top || (flags[row]! & mask) === 0) continue
        siftDown(heapKeys, heapRows, limit, key, row)
        top = heapKeys[0]!
      }
    }
  }

  const full = size === limit

  return { rows: heapRows.subarray(0, size), full, worstKey: full ? top : cutoff }
}

function siftUp(
  keys: Float64Array,
  rows: Int32Array,
  at: number,
  key: number,
  row: number,
) {
  let child = at
  while (child > 0) {
    const parent = (child - 1) >> 1
    if (keys[parent]! >= key) break
    keys[child] = keys[parent]!
    rows[child] = rows[parent]!
    child = parent
  }

  keys[child] = key
  rows[child] = row
}

/** Replaces the top with (key, row) and restores the heap. */
function siftDown(
  keys: Float64Array,
  rows: Int32Array,
  size: number,
  key: number,
  row: number,
) {
  let parent = 0
  for (;;) {
    let child = 2 * parent + 1
    if (child >= size) break
    if (child + 1 < size && keys[child + 1]! > keys[child]!) child++
    if (keys[child]! <= key) break
    keys[parent] = keys[child]!
    rows[parent] = rows[child]!
    parent = child
  }

  keys[parent] = key
  rows[parent] = row
}
