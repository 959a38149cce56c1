import { GROUP_ROWS } from './kernel-wat.js'

export const PAGE_BYTES = 65536

/** Matrices below this double when full; larger ones grow by 1/32 (see grown()). */
const DOUBLING_LIMIT_BYTES = 4 * 1024 * 1024

/**
 * Where everything sits in one model's memory, in bytes:
 *
 *   [query: width][rows: capacity × width][scales: capacity × 4]
 *   [keys: capacity × 4][mins: capacity / 64 × 4]
 *
 * `width` (a row) is the dimension padded to 16 floats, so every block the kernel
 * reads is 64-byte aligned; capacities are multiples of 64 rows (one key group), which
 * keeps the regions after the rows aligned too. Only scaled metrics have scales.
 */
export class MatrixLayout {
  readonly width: number
  readonly scaled: boolean
  readonly capacity: number

  constructor(width: number, scaled: boolean, capacity: number) {
    this.width = width
    this.scaled = scaled
    this.capacity = capacity
  }

  static forModel(dim: number, scaled: boolean): MatrixLayout {
    return new MatrixLayout(Math.ceil(dim / 16) * 64, scaled, GROUP_ROWS)
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

  get mins(): number {
    return this.keys + this.capacity * 4
  }

  get pages(): number {
    return Math.ceil((this.mins + (this.capacity / GROUP_ROWS) * 4) / PAGE_BYTES)
  }

  /** The same layout with room for at least `rows` rows. */
  withRoomFor(rows: number): MatrixLayout {
    const capacity = Math.ceil(rows / GROUP_ROWS) * GROUP_ROWS

    return new MatrixLayout(this.width, this.scaled, capacity)
  }

  /**
   * The next layout with room for more rows. Doubling keeps small matrices cheap to
   * fill; past 4 MiB each step adds 1/32, so capacity never runs more than ~3% ahead
   * of the rows (the index's budget is 10% over the raw vectors). V8 reserves address
   * space for wasm memories, so memory.grow extends in place without copying rows.
   */
  grown(): MatrixLayout {
    const bytes = this.capacity * this.width
    const next =
      bytes < DOUBLING_LIMIT_BYTES ? this.capacity * 2 : this.capacity * (33 / 32)

    return this.withRoomFor(next)
  }
}
