import { kernelErrorBound, UNDERFLOW_SLACK } from './kernel-error-bound.js'
import type { MetricRule } from './metric-rule.js'

/** Keys are float32 squared distances; the answer is sqrt(Σ (q - x)²) in float64. */
export const euclideanRule: MetricRule = {
  scaled: false,
  minNorm: 0,

  prepareQuery(query, target) {
    target.set(query)
  },

  rowScale: () => 1,

  computeKeys(kernel, pass) {
    kernel.l2(pass.query, pass.matrix, pass.out, pass.mins, pass.rows, pass.width)
  },

  exactDistance(query) {
    const dim = query.length

    return (floats, offset) => {
      let sum = 0
      for (let i = 0; i < dim; i++) {
        const d = query[i]! - floats[offset + i]!
        sum += d * d
      }

      return Math.sqrt(sum)
    }
  },

  keyCutoff: (threshold, width) =>
    threshold * threshold * (1 + kernelErrorBound(width)) + UNDERFLOW_SLACK,

  lowerBound: (key, width) =>
    Math.sqrt(Math.max(0, key * (1 - kernelErrorBound(width)) - UNDERFLOW_SLACK)),
}
