/** mulberry32: a tiny seeded PRNG, so every failure replays from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)

    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** A float32 vector with components uniform in [-1, 1). */
export function randomVector(random: () => number, dim: number): Float32Array {
  const vector = new Float32Array(dim)
  for (let i = 0; i < dim; i++) vector[i] = random() * 2 - 1

  return vector
}

/** `base` nudged by up to ±`scale` per component: a near-duplicate. */
export function nearVector(random: () => number, base: Float32Array, scale: number) {
  return base.map((value) => value + (random() * 2 - 1) * scale)
}
