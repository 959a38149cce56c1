export const PAGE_BYTES = 65536

/** Matrices below this double when full; larger ones grow by 1/32 (see below). */
const DOUBLING_LIMIT_BYTES = 4 * 1024 * 1024

const INITIAL_ROWS = 64

/**
 * Where everything sits in one model's memory, in bytes:
 *
 *   [query: width][rows: capacity × width][scales: capacity × 4][keys: capacity × 4]
 *
 * `width` (a row) is the dimension padded to 16 floats, so every block the kernel
 * reads is 64-byte aligned; capacities are multiples of 16 rows, which keeps the
 * scales and keys aligned too. Scales exist only for metrics that need them.
 */
export class MatrixLayout {
  readonly width: number
  readonly capacity: number
  readonly scaled: boolean

  constructor(width: number, scaled: boolean, capacity: number) {
    this.width = width
    this.scaled = scaled
    this.capacity = capacity
  }

  static forModel(dim: number, scaled: boolean): MatrixLayout {
    return new MatrixLayout(Math.ceil(dim / 16) * 64, scaled, INITIAL_ROWS)
  }

  get query(): number {
    return 0
  }

  get matrix(): number {
    return this.width
  }

  get scales(): number {
    return this.width + this.capacity * this.width
  }

  get keys(): number {
    return this.scales + (this.scaled ? this.capacity * 4 : 0)
  }

  get pages(): number {
    return Math.ceil((this.keys + this.capacity * 4) / PAGE_BYTES)
  }

  /**
   * The next layout with room for one more row. Doubling keeps small matrices
   * cheap to fill; past 4 MiB each step adds 1/32 so capacity never runs more than
   * ~3% ahead of the rows (the index's memory budget is 10% over the raw vectors).
   * memory.grow extends in place in V8, so small steps cost no copy of the rows.
   */
  grown(): MatrixLayout {
    const bytes = this.capacity * this.width
    const next =
      bytes < DOUBLING_LIMIT_BYTES ? this.capacity * 2 : this.capacity * (33 / 32)

    return new MatrixLayout(this.width, this.scaled, Math.ceil(next / 16) * 16)
  }
}
