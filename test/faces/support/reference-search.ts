import type { FaceList, FaceMatch, FaceMetric } from '../../../src/faces/index.js'

export interface ReferenceRow {
  encodingId: number
  personId: number
  list: FaceList
  vector: Float32Array
  active: boolean
}

export interface ReferenceQuery {
  topK: number
  threshold?: number
  lists?: readonly FaceList[]
}

/**
 * The definition the index must meet, written independently of it: float64
 * distances from the float32 encodings, best encoding per person, then persons,
 * both by (distance, encodingId).
 */
export function referenceSearch(
  rows: Iterable<ReferenceRow>,
  metric: FaceMetric,
  query: Float32Array,
  { topK, threshold = Infinity, lists }: ReferenceQuery,
): FaceMatch[] {
  const best = new Map<number, FaceMatch>()

  for (const row of rows) {
    if (!row.active || (lists && !lists.includes(row.list))) continue
    const distance = referenceDistance(metric, query, row.vector)
    if (distance > threshold) continue

    const { encodingId, personId, list } = row
    const match = { encodingId, personId, list, distance }
    const held = best.get(personId)
    if (!held || byDistanceThenId(match, held) < 0) best.set(personId, match)
  }

  return [...best.values()]
    .sort(byDistanceThenId)
    .slice(0, topK)
    .map(({ encodingId, personId, list, distance }) => ({
      encodingId,
      personId,
      list,
      distance,
    }))
}

export function referenceDistance(metric: FaceMetric, q: Float32Array, x: Float32Array) {
  let sum = 0
  let dot = 0
  let qq = 0
  let xx = 0
  for (let i = 0; i < q.length; i++) {
    const a = q[i] ?? 0
    const b = x[i] ?? 0
    sum += (a - b) * (a - b)
    dot += a * b
    qq += a * a
    xx += b * b
  }

  return metric === 'euclidean'
    ? Math.sqrt(sum)
    : 1 - dot / (Math.sqrt(qq) * Math.sqrt(xx))
}

function byDistanceThenId(a: FaceMatch, b: FaceMatch): number {
  return a.distance === b.distance ? a.encodingId - b.encodingId : a.distance - b.distance
}
