import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import Database from 'better-sqlite3'
import * as sqliteVecExtension from 'sqlite-vec'

import {
  type DistanceKernel,
  FaceIndex,
  type FaceMatch,
  jsKernel,
  type FaceMetric,
  loadFaceKernel,
  type ModelSpec,
  naiveSearch,
  type NaiveRow,
} from '../src/faces/index.js'
import { type BenchTable, formatTable, percentile } from './table.js'

const TOP_K = 5
const ENCODINGS_PER_PERSON = 4

interface FacesCase {
  rows: number
  dim: number
  metric: FaceMetric
}

/** How many timed queries each contender gets; the slow ones get fewer. */
interface QueryCounts {
  warmup: number
  index: number
  naive: number
  sqliteVec: number
}

interface CaseResult extends FacesCase {
  kernel: string
  buildMs: number
  index: number[]
  floor: number[]
  jsKernel: number[]
  naive: number[]
  sqliteVec: number[]
  indexAlongside: number[]
  memoryBytes: number
  checked: number
  exact: boolean
}

const FULL_CASES: FacesCase[] = [
  { rows: 10_000, dim: 128, metric: 'euclidean' },
  { rows: 100_000, dim: 128, metric: 'euclidean' },
  { rows: 10_000, dim: 512, metric: 'cosine' },
  { rows: 100_000, dim: 512, metric: 'cosine' },
]

const QUICK_CASES: FacesCase[] = FULL_CASES.map((c) => ({ ...c, rows: c.rows / 10 }))

export async function runFacesBench(
  options: { quick?: boolean } = {},
): Promise<BenchTable[]> {
  const cases = options.quick ? QUICK_CASES : FULL_CASES
  const kernel = await loadFaceKernel()

  const results: CaseResult[] = []
  for (const facesCase of cases) {
    const counts = queryCounts(facesCase.rows, options.quick ?? false)
    results.push(runCase(kernel, facesCase, counts))
  }

  return [latencyTable(results), memoryTable(results)]
}

function queryCounts(rows: number, quick: boolean): QueryCounts {
  if (quick) return { warmup: 60, index: 60, naive: 10, sqliteVec: 10 }
  const large = rows >= 100_000

  return { warmup: 100, index: 300, naive: large ? 30 : 100, sqliteVec: large ? 40 : 200 }
}

function runCase(
  kernel: DistanceKernel,
  facesCase: FacesCase,
  counts: QueryCounts,
): CaseResult {
  const { rows, dim, metric } = facesCase
  const model: ModelSpec = { name: 'bench', version: `${dim}`, dim, metric }
  const random = mulberry32(rows + dim)
  const data = makeRows(random, rows, dim)
  const queries = makeQueries(random, data, counts.warmup + counts.index, dim)
  const timed = queries.slice(counts.warmup)
  const checked = timed.slice(0, counts.naive)

  const index = new FaceIndex(kernel)
  const buildStart = performance.now()
  for (const row of data) index.add(model, row, row.vector)
  const buildMs = performance.now() - buildStart
  const search = (q: Float32Array) => index.search(model, q, { topK: TOP_K })

  for (const query of queries.slice(0, counts.warmup)) {
    search(query)
    index.floorScan(model)
  }
  collectGarbage()
  // Alternating search and floor query by query exposes both to the same noise
  const indexTimes: number[] = []
  const floor: number[] = []
  for (const query of timed) {
    indexTimes.push(...timeEach([query], search))
    floor.push(...timeEach([query], () => index.floorScan(model)))
  }

  const references: FaceMatch[][] = []
  collectGarbage()
  const naive = timeEach(checked, (q) =>
    references.push(naiveSearch(data, metric, q, TOP_K)),
  )
  const exact = checked.every((q, i) => sameMatches(search(q), references[i] ?? []))
  const memoryBytes = index.memoryBytes()

  return {
    ...facesCase,
    kernel: kernel.name,
    buildMs,
    index: indexTimes,
    floor,
    jsKernel: timeJsKernel(model, data, checked),
    naive,
    ...timeSqliteVec(facesCase, data, timed.slice(0, counts.sqliteVec), search),
    memoryBytes,
    checked: checked.length,
    exact,
  }
}

/** The fallback for runtimes without WebAssembly SIMD, on the same rows. */
function timeJsKernel(model: ModelSpec, data: NaiveRow[], queries: Float32Array[]) {
  const index = new FaceIndex(jsKernel)
  for (const row of data) index.add(model, row, row.vector)

  for (const query of queries.slice(0, 5)) index.search(model, query, { topK: TOP_K })
  collectGarbage()

  return timeEach(queries, (q) => index.search(model, q, { topK: TOP_K }))
}

/**
 * sqlite-vec's vec0 brute force on the same rows. Its queries alternate with the
 * index's, so the ratio of the two compares runs that saw the same machine noise.
 */
function timeSqliteVec(
  facesCase: FacesCase,
  data: NaiveRow[],
  queries: Float32Array[],
  search: (query: Float32Array) => unknown,
): { sqliteVec: number[]; indexAlongside: number[] } {
  const db = new Database(':memory:')
  sqliteVecExtension.load(db)
  const metric = facesCase.metric === 'cosine' ? ' distance_metric=cosine' : ''
  db.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${facesCase.dim}]${metric})`)

  const insert = db.prepare('INSERT INTO v(rowid, embedding) VALUES (?, ?)')
  db.transaction(() => {
    for (const row of data) insert.run(BigInt(row.encodingId), asBlob(row.vector))
  })()
  const select = db.prepare(
    'SELECT rowid, distance FROM v WHERE embedding MATCH ? ' +
      `ORDER BY distance LIMIT ${TOP_K}`,
  )

  for (const query of queries.slice(0, 5)) select.all(asBlob(query))
  collectGarbage()
  const sqliteVec: number[] = []
  const indexAlongside: number[] = []
  for (const query of queries) {
    sqliteVec.push(...timeEach([query], (q) => select.all(asBlob(q))))
    indexAlongside.push(...timeEach([query], search))
  }
  db.close()

  return { sqliteVec, indexAlongside }
}

function asBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
}

function latencyTable(results: CaseResult[]): BenchTable {
  const rows = results.map((r) => {
    const index = percentile(r.index, 50)
    const floor = percentile(r.floor, 50)
    const sqliteVec = percentile(r.sqliteVec, 50)
    const alongside = percentile(r.indexAlongside, 50)

    return [
      r.rows,
      r.dim,
      r.metric,
      index,
      percentile(r.index, 99),
      floor,
      percentile(r.floor, 99),
      ratio(index, floor),
      percentile(r.jsKernel, 50),
      percentile(r.naive, 50),
      sqliteVec,
      ratio(sqliteVec, alongside),
    ]
  })
  const first = results[0]

  return {
    title: `Face index: exact top-${TOP_K} persons, latency in ms`,
    columns: [
      'encodings',
      'dim',
      'metric',
      'index p50',
      'index p99',
      'floor p50',
      'floor p99',
      'index/floor',
      'js kernel p50',
      'naive p50',
      'sqlite-vec p50',
      'sqlite-vec/index',
    ],
    rows,
    notes: [
      `index: ${first?.kernel ?? '?'} kernel, ${first?.index.length ?? 0} timed queries`,
      'floor: one SIMD pass summing the same matrix (bytes read, no other work)',
      'js kernel: the same index on the fallback kernel (no WebAssembly SIMD)',
      'naive: a Float32Array per row, plain loop, full sort (float64 reference)',
      'sqlite-vec: vec0 brute-force KNN, LIMIT 5 rows (not per person); the ratio is',
      '  against index searches timed alternately with it, query by query',
      ...targetNotes(results),
    ],
  }
}

function memoryTable(results: CaseResult[]): BenchTable {
  const mib = (bytes: number): number => bytes / 2 ** 20
  const rows = results.map((r) => {
    const raw = r.rows * r.dim * 4

    return [
      r.rows,
      r.dim,
      mib(r.memoryBytes),
      mib(raw),
      ratio(r.memoryBytes, raw),
      r.buildMs,
      `${r.exact ? 'yes' : 'NO'} (${r.checked} queries)`,
    ]
  })

  return {
    title: 'Face index: memory and exactness',
    columns: [
      'encodings',
      'dim',
      'index MiB',
      'raw MiB',
      'index/raw',
      'build ms',
      'equals f64',
    ],
    rows,
    notes: [
      'raw: rows × dim × 4 bytes; equals f64: ids and order match the naive search',
    ],
  }
}

function targetNotes(results: CaseResult[]): string[] {
  const find = (rows: number, dim: number) =>
    results.find((r) => r.rows === rows && r.dim === dim)
  const large = find(100_000, 128)
  const small = find(10_000, 128)
  if (!large || !small) return ['targets apply to the full run only']

  const floorRatio = ratio(percentile(large.index, 50), percentile(large.floor, 50))
  const smallP50 = percentile(small.index, 50)
  const speedups = results
    .filter((r) => r.rows === 100_000)
    .map((r) => ratio(percentile(r.sqliteVec, 50), percentile(r.indexAlongside, 50)))

  return [
    `target 100k×128 index/floor ≤ 1.4: ${verdict(floorRatio <= 1.4)}` +
      ` (${floorRatio.toFixed(2)})`,
    `target 10k×128 p50 < 0.5 ms: ${verdict(smallP50 < 0.5)} (${smallP50.toFixed(3)})`,
    `target ≥ 4× sqlite-vec at 100k: ${verdict(speedups.every((s) => s >= 4))}` +
      ` (${speedups.map((s) => s.toFixed(1)).join(', ')})`,
  ]
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED'
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN
}

function timeEach(queries: Float32Array[], act: (query: Float32Array) => unknown) {
  return queries.map((query) => {
    const start = performance.now()
    act(query)

    return performance.now() - start
  })
}

/** Persons of a few encodings each, scattered around the person's own centre. */
function makeRows(random: () => number, rows: number, dim: number): NaiveRow[] {
  const data: NaiveRow[] = []
  let centre: Float32Array = new Float32Array(dim)
  for (let id = 0; id < rows; id++) {
    if (id % ENCODINGS_PER_PERSON === 0) centre = gaussianVector(random, dim, 1)
    const noise = gaussianVector(random, dim, 0.15)
    const vector = centre.map((value, i) => value + (noise[i] ?? 0))
    const list = id % 50 === 0 ? 'blacklist' : 'known'
    data.push({
      encodingId: id + 1,
      personId: Math.floor(id / ENCODINGS_PER_PERSON),
      list,
      vector,
    })
  }

  return data
}

/** Half the queries are a stored face seen again, half are strangers. */
function makeQueries(random: () => number, data: NaiveRow[], count: number, dim: number) {
  return Array.from({ length: count }, (_, i) => {
    const seen = data[Math.floor(random() * data.length)]
    if (i % 2 === 1 || !seen) return gaussianVector(random, dim, 1)
    const noise = gaussianVector(random, dim, 0.1)

    return seen.vector.map((value, j) => value + (noise[j] ?? 0))
  })
}

/** Components ~ N(0, (scale / sqrt(dim))²), so vector lengths are near `scale`. */
function gaussianVector(random: () => number, dim: number, scale: number): Float32Array {
  const sigma = scale / Math.sqrt(dim)

  return Float32Array.from({ length: dim }, () => {
    const u = 1 - random()

    return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  })
}

/** A seeded PRNG (mulberry32) so every run measures the same data. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)

    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

function sameMatches(a: FaceMatch[], b: FaceMatch[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Run with --expose-gc (npm run bench does) to start each timing from a clean heap. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
}

const isMain =
  process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href
if (isMain) {
  const tables = await runFacesBench({ quick: process.argv.includes('--quick') })
  for (const table of tables) console.log(formatTable(table))
}
