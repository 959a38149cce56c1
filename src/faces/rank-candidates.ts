import type { FaceMatch } from './face-match.js'
import type { ModelMatrix } from './model-matrix.js'
import { listOfFlags } from './row-flags.js'

/**
 * Recomputes each candidate's distance in float64, keeps rows within `threshold`,
 * keeps each person's best row, and returns the best `topK` persons. Order is
 * (distance, encodingId) ascending, both for a person's best row and for persons.
 */
export function rankCandidates(
  matrix: ModelMatrix,
  rows: Int32Array,
  distanceOf: (row: number) => number,
  threshold: number,
  topK: number,
): FaceMatch[] {
  const best = new Map<number, FaceMatch>()

  for (const row of rows) {
    const distance = distanceOf(row)
    if (!(distance <= threshold)) continue

    const match: FaceMatch = {
      encodingId: matrix.encodingIdAt(row),
      personId: matrix.personIdAt(row),
      list: listOfFlags(matrix.flagsAt(row)),
      distance,
    }
    const held = best.get(match.personId)
    if (held === undefined || compareMatches(match, held) < 0)
      best.set(match.personId, match)
  }

  return [...best.values()].sort(compareMatches).slice(0, topK)
}

export function compareMatches(a: FaceMatch, b: FaceMatch): number {
  return a.distance - b.distance || a.encodingId - b.encodingId
}
