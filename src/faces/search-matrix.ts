import type { FaceMatch } from './face-match.js'
import type { ModelMatrix } from './model-matrix.js'
import { rankCandidates } from './rank-candidates.js'
import { selectCandidates } from './select-candidates.js'

export interface MatrixQuery {
  topK: number
  /** Inclusive; Infinity for none. */
  threshold: number
  /** Low-nibble row flags a row must share to be eligible (row-flags.ts). */
  mask: number
}

/**
 * Exact top-k persons over one matrix.
 *
 * One kernel pass writes a float32 key per row; a heap keeps the rows with the
 * smallest keys; those are re-ranked in float64. The float32 keys can misorder rows
 * whose distances differ by less than the kernel's error bound, so the answer is
 * checked: every row left out has a key >= the worst kept key, hence a distance of at
 * least lowerBound(worst key). If that is beyond the k-th answer (or the threshold
 * when fewer than k persons qualify), no left-out row can change the answer.
 * Otherwise the candidate set grows and the keys are scanned again (not recomputed).
 */
export function searchMatrix(
  matrix: ModelMatrix,
  query: Float32Array,
  { topK, threshold, mask }: MatrixQuery,
): FaceMatch[] {
  const { rule, width } = matrix
  const views = matrix.computeKeys(query)
  const flags = matrix.flags
  const distanceOf = matrix.exactDistance(query)
  const cutoff = rule.keyCutoff(threshold, width)

  for (let limit = topK * 4 + 16; ; limit *= 4) {
    const candidates = selectCandidates(views, flags, mask, cutoff, limit)
    const matches = rankCandidates(matrix, candidates.rows, distanceOf, threshold, topK)
    if (!candidates.full) return matches

    const kth = matches.length === topK ? matches[topK - 1]!.distance : threshold
    if (rule.lowerBound(candidates.worstKey, width) > kth) return matches
  }
}
