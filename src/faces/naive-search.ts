import type { FaceList } from './face-list.js'
import type { FaceMatch } from './face-match.js'
import type { FaceMetric } from './face-metric.js'
import { METRIC_RULES } from './metric-rules.js'
import { compareMatches } from './rank-candidates.js'

export interface NaiveRow {
  encodingId: number
  personId: number
  list: FaceList
  vector: Float32Array
}

/**
 * The obvious way, kept as the benchmark's baseline and its float64 reference: one
 * Float32Array per row, a plain loop per distance, a full sort, best row per person.
 */
export function naiveSearch(
  rows: readonly NaiveRow[],
  metric: FaceMetric,
  query: Float32Array,
  topK: number,
): FaceMatch[] {
  const distanceOf = METRIC_RULES[metric].exactDistance(query)
  const all = rows.map(({ encodingId, personId, list, vector }) => ({
    encodingId,
    personId,
    list,
    distance: distanceOf(vector, 0),
  }))

  const seen = new Set<number>()
  const matches: FaceMatch[] = []
  for (const match of all.sort(compareMatches)) {
    if (seen.has(match.personId)) continue
    seen.add(match.personId)
    matches.push(match)
    if (matches.length === topK) break
  }

  return matches
}
