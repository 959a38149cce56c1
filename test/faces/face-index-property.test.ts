import { expect } from 'chai'

import {
  FACE_LISTS,
  type FaceIndex,
  type FaceList,
  type ModelSpec,
} from '../../src/faces/index.js'
import { describeEachKernel } from './support/each-kernel.js'
import { ARCFACE, DLIB } from './support/face-models.js'
import {
  referenceDistance,
  type ReferenceQuery,
  type ReferenceRow,
  referenceSearch,
} from './support/reference-search.js'
import { nearVector, randomVector, seededRandom } from './support/seeded-random.js'

const INITIAL_ROWS = 3000
const STEPS = 300

/** 0 makes exact duplicates; the small scales make float32 keys tie or misorder. */
const NUDGES = [0, 1e-7, 1e-6, 1e-4, 1e-2]

/**
 * Random data with many near-duplicates, random interleaved adds, removes and
 * person changes, and after every step a query whose answer must equal the float64
 * brute force exactly: same ids, same order, same distances.
 */
class Scenario {
  readonly index: FaceIndex
  readonly model: ModelSpec
  readonly random: () => number
  readonly rows = new Map<number, ReferenceRow>()
  #persons = new Map<number, Set<ReferenceRow>>()
  #crowds: Float32Array[]
  #crowdMembers = new WeakSet<Float32Array>()
  #nextId = 1

  constructor(index: FaceIndex, model: ModelSpec, seed: number) {
    this.index = index
    this.model = model
    this.random = seededRandom(seed)
    this.#crowds = Array.from({ length: 4 }, () => randomVector(this.random, model.dim))
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')

    return item
  }

  /** Any held row; ids are dense enough that a few random probes find one. */
  someRow(): ReferenceRow | undefined {
    for (let tries = 0; tries < 100 && this.rows.size > 0; tries++) {
      const row = this.rows.get(1 + Math.floor(this.random() * (this.#nextId - 1)))
      if (row) return row
    }

    return this.rows.values().next().value
  }

  /**
   * A fresh vector, a nudged (or, for cosine, rescaled) copy of a stored one, or one
   * more member of a crowd: hundreds of rows so close that their float32 keys tie or
   * misorder, more than the first candidate set holds.
   */
  vector(): Float32Array {
    if (this.random() < 0.2) return this.#crowdMember()

    const base = this.someRow()?.vector
    if (!base || this.random() < 0.3) return randomVector(this.random, this.model.dim)
    // Nudged copies would spread a crowd out, and its tightness is the point
    if (this.#crowdMembers.has(base)) return this.#crowdMember()
    if (this.model.metric === 'cosine' && this.random() < 0.1)
      return base.map((v) => v * 3)

    return nearVector(this.random, base, this.pick(NUDGES))
  }

  add(): void {
    const personId = Math.floor(this.random() * (INITIAL_ROWS / 3))
    const person = this.#persons.get(personId)?.values().next().value
    const list: FaceList = person?.list ?? (this.random() < 0.2 ? 'blacklist' : 'known')
    const active = person?.active ?? true
    const row = {
      encodingId: this.#nextId++,
      personId,
      list,
      vector: this.vector(),
      active,
    }

    this.index.add(this.model, row, row.vector)
    this.rows.set(row.encodingId, row)
    this.#personRows(personId).add(row)
  }

  /** One random change; returns a label for failure messages. */
  step(): string {
    const roll = this.random()
    const row = this.someRow()
    if (roll < 0.5 || !row) {
      this.add()
      return 'add'
    }
    if (roll < 0.8) {
      expect(this.index.remove(row.encodingId)).to.equal(true)
      this.rows.delete(row.encodingId)
      this.#personRows(row.personId).delete(row)
      return `remove ${row.encodingId}`
    }
    if (roll < 0.85) {
      this.index.removePerson(row.personId)
      for (const r of this.#personRows(row.personId)) this.rows.delete(r.encodingId)
      this.#persons.delete(row.personId)
      return `removePerson ${row.personId}`
    }
    if (roll < 0.93) {
      const active = !row.active
      this.index.setPersonActive(row.personId, active)
      for (const r of this.#personRows(row.personId)) r.active = active
      return `setPersonActive ${row.personId} ${active}`
    }

    const list = this.pick(FACE_LISTS)
    this.index.setPersonList(row.personId, list)
    for (const r of this.#personRows(row.personId)) r.list = list
    return `setPersonList ${row.personId} ${list}`
  }

  /** Often a point some way off a crowd, where its rows' distances differ least. */
  query(): { query: Float32Array; options: ReferenceQuery } {
    const offset = randomVector(this.random, this.model.dim)
    const crowd = this.pick(this.#crowds)
    const nearCrowd = crowd.map((value, i) => value + 0.3 * (offset[i] ?? 0))
    const query = this.random() < 0.3 ? nearCrowd : this.vector()
    const edge = this.someRow()
    const options: ReferenceQuery = { topK: 1 + Math.floor(this.random() * 8) }
    // A threshold equal to some row's distance puts that row exactly on the edge
    if (edge && this.random() < 0.3) {
      options.threshold = referenceDistance(this.model.metric, query, edge.vector)
    }
    if (this.random() < 0.3) options.lists = [this.pick(FACE_LISTS)]

    return { query, options }
  }

  /** A crowd's centre with one component moved by about one float32 ulp, or not. */
  #crowdMember(): Float32Array {
    const member = Float32Array.from(this.pick(this.#crowds))
    const i = Math.floor(this.random() * member.length)
    member[i] = (member[i] ?? 0) * (1 + (this.random() - 0.5) * 2 ** -22)
    this.#crowdMembers.add(member)

    return member
  }

  #personRows(personId: number): Set<ReferenceRow> {
    let rows = this.#persons.get(personId)
    if (!rows) this.#persons.set(personId, (rows = new Set()))

    return rows
  }
}

describeEachKernel('FaceIndex against a float64 brute force', (fresh) => {
  for (const [model, seed] of [
    [DLIB, 0x5eed],
    [ARCFACE, 0xfade],
  ] as const) {
    it(`answers identically for ${model.dim}-dim ${model.metric} under changes`, () => {
      const index = fresh()
      const scenario = new Scenario(index, model, seed)
      for (let i = 0; i < INITIAL_ROWS; i++) scenario.add()

      for (let i = 0; i < STEPS; i++) {
        const change = scenario.step()
        const { query, options } = scenario.query()

        const actual = index.search(model, query, options)
        const expected = referenceSearch(
          scenario.rows.values(),
          model.metric,
          query,
          options,
        )

        const asked = JSON.stringify(options)
        const context = `seed ${seed}, step ${i} after ${change}, ${asked}`
        expect(actual, context).to.deep.equal(expected)
        expect(index.size, context).to.equal(scenario.rows.size)
      }
    })
  }
})
