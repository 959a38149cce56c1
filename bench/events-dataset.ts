import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  frigateEventTimeline,
  mapFrigateEvent,
} from '../src/ingest/mappers/frigate-event-mapper.js'
import {
  mapTrackedObjectUpdate,
  resultTimelineEntry,
} from '../src/ingest/mappers/tracked-object-update-mapper.js'
import { emptyBatch, writeBatch, type WriteBatch } from '../src/ingest/write-batch.js'
import type { Engine } from '../src/storage/engine.js'
import { openEngine, type StorageSettings } from '../src/storage/open-engine.js'
import { createRepositories } from '../src/storage/repositories/repositories.js'
import { raw, sql } from '../src/storage/sql.js'

/**
 * A generated history of Frigate events, written straight through the
 * repositories (the batch writer's `writeBatch`, so whatever the ingest path
 * maintains on write is maintained here too). Kept under .bench/ and in a
 * PostgreSQL schema, and reused while the generator is unchanged: a later
 * migration is applied to it as to a user's database, which also shows what
 * the migration costs at this size.
 */
export const GENERATOR_VERSION = 1

/** The history ends here (2026-01-01T00:00:00Z) and reaches back 90 days. */
export const DATASET_END = 1_767_225_600
export const DATASET_DAYS = 90
export const DATASET_START = DATASET_END - DATASET_DAYS * 86_400

const EVENTS_PER_TRANSACTION = 20_000
const ANALYZED_TABLES = ['events', 'event_zones', 'event_results', 'event_timeline']

/** Weighted choices: [value, weight]. */
type Weighted<T> = readonly (readonly [T, number])[]

export const CAMERAS: Weighted<string> = [
  ['front_door', 35],
  ['driveway', 25],
  ['garden', 15],
  ['garage', 10],
  ['backyard', 10],
  ['side_gate', 5],
]
export const LABELS: Weighted<string> = [
  ['person', 45],
  ['car', 30],
  ['dog', 8],
  ['cat', 7],
  ['package', 5],
  ['bicycle', 5],
]
const ZONES: Record<string, string[]> = {
  front_door: ['porch', 'steps', 'path'],
  driveway: ['driveway', 'street'],
  garden: ['lawn', 'flowerbed'],
  garage: ['garage_door'],
  backyard: ['patio', 'lawn'],
  side_gate: ['gate'],
}
export const PEOPLE = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
] as const
const DESCRIPTIONS = [
  'A person carrying a parcel walks up to the door',
  'A delivery driver in a high-visibility vest leaves a package on the porch',
  'Someone in a dark hoodie looks through the window',
  'A child on a bicycle rides past the gate',
  'A person with an umbrella rings the doorbell and waits',
  'A silver car parks in the driveway and its driver gets out',
  'A dog walker stops by the flowerbed',
  'A courier photographs the parcel on the doorstep',
] as const
// Activity by hour of day: quiet at night, busy in the morning and evening.
const HOUR_WEIGHTS = [
  1, 1, 1, 1, 1, 2, 4, 7, 8, 6, 5, 5, 6, 5, 5, 6, 8, 9, 8, 6, 4, 3, 2, 1,
] as const

export interface DatasetLocation {
  /** storage.url and storage.schema for the App and openEngine. */
  settings: StorageSettings
  /** Human label for tables. */
  engine: 'SQLite' | 'PostgreSQL'
}

export interface DatasetReport {
  events: number
  loadSeconds: number
  /** Whether this run generated it, or reused one from an earlier run. */
  reused: boolean
  bytes: number
}

/** Where the dataset of `count` events lives, per engine. */
export function datasetLocation(
  engine: 'sqlite' | 'postgres',
  count: number,
  postgresUrl: string,
): DatasetLocation {
  const name = `bench_events_${count}_v${GENERATOR_VERSION}`

  if (engine === 'sqlite') {
    return {
      engine: 'SQLite',
      settings: { url: join('.bench', `${name}.db`), poolSize: 1, schema: 'public' },
    }
  }

  return {
    engine: 'PostgreSQL',
    settings: { url: postgresUrl, poolSize: 4, schema: name },
  }
}

/** Generates the dataset unless a complete one of this version is there. */
export async function ensureDataset(
  location: DatasetLocation,
  count: number,
  log: (line: string) => void = () => undefined,
): Promise<DatasetReport> {
  const sqlite = location.engine === 'SQLite'
  if (sqlite) {
    mkdirSync('.bench', { recursive: true })
    removeStaleFiles(location.settings.url, count)
  } else {
    await dropStaleSchemas(location.settings, count)
  }

  let engine = openEngine({ ...location.settings, readThreads: 0 })
  await engine.start()
  try {
    const migrating = performance.now()
    const { ran } = await engine.migrator.up()
    const seconds = ((performance.now() - migrating) / 1000).toFixed(1)
    const done = await readMarker(engine)
    if (done && ran.length > 0) {
      log(
        `migrated the stored dataset (${location.engine}): ${ran.join(', ')} in ${seconds} s`,
      )
    }
    if (done && done.events === count) {
      return { ...done, reused: true, bytes: await databaseBytes(engine, location) }
    }
    // A load that was interrupted: start again from an empty database.
    await engine.stop()
    await removeDataset(location)
    engine = openEngine({ ...location.settings, readThreads: 0 })
    await engine.start()
    await engine.migrator.up()

    log(`generating ${count.toLocaleString('en-US')} events (${location.engine})`)
    const started = performance.now()
    await load(engine, count)
    const loadSeconds = (performance.now() - started) / 1000
    await engine.run(sql`INSERT INTO bench_dataset (version, events, load_seconds)
      VALUES (${GENERATOR_VERSION}, ${count}, ${loadSeconds})`)
    // PostgreSQL's autovacuum would analyze these soon after such a load; the
    // service never runs ANALYZE on SQLite, so neither does the bench there.
    if (!sqlite) {
      for (const table of ANALYZED_TABLES) await engine.run(sql`ANALYZE ${raw(table)}`)
    }

    return {
      events: count,
      loadSeconds,
      reused: false,
      bytes: await databaseBytes(engine, location),
    }
  } finally {
    await engine.stop()
  }
}

async function load(engine: Engine, count: number): Promise<void> {
  const repos = createRepositories(engine)
  await engine.run(sql`DROP TABLE IF EXISTS bench_dataset`)
  await engine.run(sql`CREATE TABLE bench_dataset
    (version INTEGER NOT NULL, events INTEGER NOT NULL, load_seconds REAL NOT NULL)`)

  for (let first = 0; first < count; first += EVENTS_PER_TRANSACTION) {
    const batch = generateBatch(
      first,
      Math.min(count, first + EVENTS_PER_TRANSACTION),
      count,
    )
    await engine.transaction((tx) => writeBatch(tx, repos, batch))
  }
}

async function readMarker(
  engine: Engine,
): Promise<{ events: number; loadSeconds: number } | undefined> {
  try {
    const rows = await engine.query<{
      version: number
      events: number
      load_seconds: number
    }>(sql`SELECT version, events, load_seconds FROM bench_dataset`)
    const row = rows[0]
    if (!row || Number(row.version) !== GENERATOR_VERSION) return undefined

    return { events: Number(row.events), loadSeconds: Number(row.load_seconds) }
  } catch {
    return undefined
  }
}

/**
 * Events `from` to `to` of `count`, in start-time order. Every value comes
 * from a generator seeded with the event's index, so any slice is the same
 * whatever the transaction size.
 */
export function generateBatch(from: number, to: number, count: number): WriteBatch {
  const batch = emptyBatch()

  for (let i = from; i < to; i++) {
    const random = seeded(0x5eed + i)
    addEvent(batch, i, startOf(i, count, random), random, count - i <= 20)
  }

  return batch
}

/** The id of event number `index`, as events/get asks for it. */
export function eventId(index: number, count: number): string {
  return idFor(startOf(index, count, seeded(0x5eed + index)), index)
}

/** Events spread evenly over the days, by the hourly profile within a day. */
function startOf(index: number, count: number, random: () => number): number {
  const day = Math.floor((index / count) * DATASET_DAYS)

  return (
    DATASET_START +
    Math.min(DATASET_DAYS * 86_400 - 600, day * 86_400 + timeOfDay(random))
  )
}

function addEvent(
  batch: WriteBatch,
  index: number,
  start: number,
  random: () => number,
  open: boolean,
): void {
  const id = idFor(start, index)
  const camera = pick(CAMERAS, random())
  const label = pick(LABELS, random())
  const cameraZones = ZONES[camera] ?? []
  const zones = cameraZones.filter(() => random() < 0.45)
  const duration = 4 + random() * 50
  const topScore = 0.6 + random() * 0.38
  // ~15% of all events: a person whose face was recognised (a third of persons).
  const recognised = label === 'person' && random() < 0.33
  const person = recognised
    ? (PEOPLE[Math.floor(random() * PEOPLE.length)] ?? 'alice')
    : null
  const faceScore = 0.62 + random() * 0.33
  const described =
    recognised || ((label === 'person' || label === 'car') && random() < 0.12)
  const endTime = open ? null : start + duration
  const frameTime = start + duration

  const after = frigateState(
    id,
    camera,
    label,
    start,
    endTime,
    frameTime,
    topScore,
    zones,
  )
  if (person) after.sub_label = [person, faceScore]
  const message = { type: open ? 'update' : 'end', before: null, after }
  batch.events.push(mapFrigateEvent(message, frameTime + 0.2))
  batch.eventTimeline.push(...frigateEventTimeline(message))

  if (person) {
    const face = {
      type: 'face',
      id,
      name: person,
      score: faceScore,
      camera,
      timestamp: start + 1.5,
    }
    addResult(batch, face, start + 1.6)
  }
  if (described) {
    const text = DESCRIPTIONS[Math.floor(random() * DESCRIPTIONS.length)] ?? ''
    addResult(
      batch,
      { type: 'description', id, description: text, camera },
      frameTime + 3,
    )
  }
}

function addResult(
  batch: WriteBatch,
  message: { type: string; id: string } & Record<string, unknown>,
  receivedAt: number,
): void {
  const result = mapTrackedObjectUpdate(message, receivedAt)
  batch.eventResults.push(result)
  batch.eventTimeline.push(resultTimelineEntry(result))
}

/** The `after` object of a Frigate 0.14+ frigate/events message. */
function frigateState(
  id: string,
  camera: string,
  label: string,
  start: number,
  endTime: number | null,
  frameTime: number,
  topScore: number,
  zones: string[],
): Record<string, unknown> & {
  id: string
  camera: string
  label: string
  frame_time: number
  start_time: number
  sub_label: [string, number] | null
} {
  return {
    id,
    camera,
    label,
    frame_time: frameTime,
    start_time: start,
    end_time: endTime,
    sub_label: null,
    top_score: topScore,
    score: topScore - 0.04,
    false_positive: false,
    box: [412, 188, 604, 640],
    region: [300, 100, 700, 700],
    area: 86_784,
    ratio: 0.4248,
    stationary: false,
    motionless_count: 0,
    position_changes: 3,
    current_zones: zones.slice(-1),
    entered_zones: zones,
    has_clip: true,
    has_snapshot: true,
    attributes: label === 'person' ? { face: 0.81 } : {},
    current_attributes: [],
    snapshot: {
      frame_time: start + 1,
      box: [412, 188, 604, 640],
      area: 86_784,
      score: topScore,
    },
    active: false,
    max_severity: label === 'person' ? 'alert' : 'detection',
    thumbnail: null,
  }
}

function idFor(start: number, index: number): string {
  return `${start.toFixed(6)}-${index.toString(36).padStart(6, '0')}`
}

/** Seconds into the day, drawn from the hourly activity profile. */
function timeOfDay(random: () => number): number {
  const hour = pick(
    HOUR_WEIGHTS.map((weight, h) => [h, weight] as const),
    random(),
  )

  return hour * 3600 + random() * 3600
}

function pick<T>(choices: Weighted<T>, draw: number): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0)
  let left = draw * total

  for (const [value, weight] of choices) {
    left -= weight
    if (left < 0) return value
  }

  return (choices[choices.length - 1] as readonly [T, number])[0]
}

/** A small seeded PRNG (mulberry32): the dataset is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** SQLite: main file and WAL after a checkpoint; PostgreSQL: tables with indexes and TOAST. */
async function databaseBytes(engine: Engine, location: DatasetLocation): Promise<number> {
  if (location.engine === 'SQLite') {
    await engine.query(sql`PRAGMA wal_checkpoint(TRUNCATE)`)
    const path = location.settings.url
    const size = (file: string): number => {
      try {
        return statSync(file).size
      } catch {
        return 0
      }
    }
    return size(path) + size(`${path}-wal`)
  }

  const rows = await engine.query<{ bytes: string | number }>(sql`SELECT
    coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${location.settings.schema} AND c.relkind = 'r'`)

  return Number(rows[0]?.bytes ?? 0)
}

async function removeDataset(location: DatasetLocation): Promise<void> {
  const { url, schema } = location.settings
  if (location.engine === 'SQLite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${url}${suffix}`, { force: true })
    return
  }

  const admin = openEngine({ url, poolSize: 1, schema: 'public' })
  await admin.start()
  try {
    await admin.run(sql`DROP SCHEMA IF EXISTS ${raw(`"${schema}"`)} CASCADE`)
  } finally {
    await admin.stop()
  }
}

/** Files of the same size built by another generator version or migration set. */
function removeStaleFiles(current: string, count: number): void {
  for (const file of readdirSync('.bench')) {
    const path = join('.bench', file)
    if (file.startsWith(`bench_events_${count}_v`) && !path.startsWith(current)) {
      rmSync(path, { force: true })
    }
  }
}

/** Older generator versions or migration sets: their schemas only take space. */
async function dropStaleSchemas(settings: StorageSettings, count: number): Promise<void> {
  const admin = openEngine({ url: settings.url, poolSize: 1, schema: 'public' })
  await admin.start()
  try {
    const rows = await admin.query<{ nspname: string }>(sql`SELECT nspname
      FROM pg_namespace WHERE nspname LIKE 'bench_events_%'`)
    const prefix = `bench_events_${count}_v`
    for (const { nspname } of rows) {
      if (nspname === settings.schema || !nspname.startsWith(prefix)) continue
      await admin.run(sql`DROP SCHEMA ${raw(`"${nspname}"`)} CASCADE`)
    }
  } finally {
    await admin.stop()
  }
}
