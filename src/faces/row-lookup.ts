const MAX_LOAD = 0.75

/**
 * encodingId → row of one matrix in 4 bytes a slot: a slot holds row + 1 (0 is
 * empty) and the key is read back through `keyOf(row)`, so ids are not stored twice.
 * Linear probing with backward-shift deletion, so removals leave no tombstones.
 */
export class RowLookup {
  #keyOf: (row: number) => number
  #slots = new Int32Array(16)
  #bits = 4
  #count = 0

  constructor(keyOf: (row: number) => number) {
    this.#keyOf = keyOf
  }

  get byteLength(): number {
    return this.#slots.byteLength
  }

  /** The row of `key`, or -1. */
  get(key: number): number {
    const slot = this.#find(key)

    return slot < 0 ? -1 : this.#slots[slot]! - 1
  }

  /** Points `key` at `row`; `keyOf(row)` must already answer `key`. */
  set(key: number, row: number): void {
    const found = this.#find(key)
    if (found >= 0) {
      this.#slots[found] = row + 1
      return
    }

    if (this.#count + 1 > this.#slots.length * MAX_LOAD) this.#rehash(this.#bits + 1)
    this.#place(key, row)
    this.#count++
  }

  /** Sizes the table for `keys` keys now rather than doubling on the way. */
  reserve(keys: number): void {
    let bits = this.#bits
    while (keys > (1 << bits) * MAX_LOAD) bits++
    if (bits > this.#bits) this.#rehash(bits)
  }

  delete(key: number): boolean {
    const found = this.#find(key)
    if (found < 0) return false

    this.#shiftBack(found)
    this.#count--

    return true
  }

  #home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> (32 - this.#bits)
  }

  #find(key: number): number {
    const mask = this.#slots.length - 1

    for (let slot = this.#home(key); ; slot = (slot + 1) & mask) {
      const value = this.#slots[slot]!
      if (value === 0) return -1
      if (this.#keyOf(value - 1) === key) return slot
    }
  }

  #place(key: number, row: number): void {
    const mask = this.#slots.length - 1

    let slot = this.#home(key)
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask
    this.#slots[slot] = row + 1
  }

  /** Empties `hole`, then pulls back every later entry of the run that may fill it. */
  #shiftBack(hole: number): void {
    const slots = this.#slots
    const mask = slots.length - 1

    slots[hole] = 0
    for (let next = (hole + 1) & mask; slots[next] !== 0; next = (next + 1) & mask) {
      const home = this.#home(this.#keyOf(slots[next]! - 1))
      const stays =
        hole <= next ? hole < home && home <= next : hole < home || home <= next
      if (stays) continue

      slots[hole] = slots[next]!
      slots[next] = 0
      hole = next
    }
  }

  #rehash(bits: number): void {
    const old = this.#slots

    this.#slots = new Int32Array(1 << bits)
    this.#bits = bits
    for (const value of old) {
      if (value !== 0) this.#place(this.#keyOf(value - 1), value - 1)
    }
  }
}
