/**
 * A bound on how far a kernel's float32 key can be from the float64 distance the
 * index answers with: relative for squared euclidean keys (all terms are positive),
 * absolute for cosine keys (the terms sum to at most 1 by Cauchy-Schwarz).
 *
 * The wasm kernel rounds each term at most 4 times before summing (difference or
 * query normalisation, product, row scale and its product), then adds it into a lane
 * chain of width/64 terms and 4 pairwise levels. Summation error is then at most
 * h·u·Σ|terms| with h = width/64 + 8 and u = 2^-24 (Higham, Accuracy and Stability of
 * Numerical Algorithms, §3.1). We allow twice that, which also covers the float64
 * reference's own rounding (below 1e-13) and the rounding of the bound's arithmetic.
 * The js kernel sums in float64 and rounds once, far inside the same bound.
 */
export function kernelErrorBound(width: number): number {
  const terms = width / 64

  return 2 * (terms + 8) * 2 ** -24
}

/**
 * Squares of components below ~1e-19 underflow float32; each lost term is below
 * 2^-149, so this absolute slack covers them for any dimension we accept.
 */
export const UNDERFLOW_SLACK = 1e-36
