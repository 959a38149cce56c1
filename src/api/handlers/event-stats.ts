import { byCodePoint } from '../../storage/repositories/code-point-order.js'
import {
  DAY,
  HOUR,
  type EventStatsRepository,
  type HourRange,
  type RollupKeyTotal,
  type RollupTotals,
} from '../../storage/repositories/event-stats-repository.js'
import type { ReviewsRepository } from '../../storage/repositories/reviews-repository.js'
import type { HandlerMap } from '../handler.js'
import { alignedRange, todayRange } from '../stats-range.js'

export interface EventStatsHandlerOptions {
  eventStats: EventStatsRepository
  reviews: ReviewsRepository
  /** The clock, unix seconds; default the system's. */
  now?: () => number
}

/** Wire form of events/stats; the schema has checked types and names. */
interface StatsQuery {
  after?: number
  before?: number
  cameras?: string[]
  labels?: string[]
  event_types?: string[]
}

interface SummaryQuery {
  window?: { after: number; before: number }
}

/** Longer ranges get a series per day instead of per hour. */
const HOURLY_SERIES_UP_TO = 7 * DAY
const TOP_PERSONS = 10

export function eventStatsHandlers(options: EventStatsHandlerOptions): HandlerMap {
  const now = options.now ?? (() => Date.now() / 1000)

  return {
    'events/stats': (request) => eventStats(options, request, now()),
    'events/summary': (request) => eventSummary(options, request, now()),
  }
}

async function eventStats(
  options: EventStatsHandlerOptions,
  request: StatsQuery,
  now: number,
) {
  const range = alignedRange(request.after, request.before, now)
  const bucket = range.before - range.after > HOURLY_SERIES_UP_TO ? DAY : HOUR
  const totals = await options.eventStats.totals(range, bucket, {
    cameras: request.cameras,
    labels: request.labels,
    eventTypes: request.event_types,
  })
  const counts = totals.keys

  return {
    ...range,
    bucket: bucket === DAY ? 'day' : 'hour',
    bucket_seconds: bucket,
    total: sum(counts),
    event_types: eventTypes(counts),
    cameras: tally(counts, (c) => c.camera).map(([camera, count]) => ({ camera, count })),
    labels: tally(counts, (c) => c.label).map(([label, count]) => ({ label, count })),
    series: series(totals, range, bucket),
    top_persons: tally(counts, (c) => c.person)
      .filter(([person]) => person !== null)
      .slice(0, TOP_PERSONS)
      .map(([person, count]) => ({ person, count })),
  }
}

async function eventSummary(
  options: EventStatsHandlerOptions,
  request: SummaryQuery,
  now: number,
) {
  const window = request.window
  const windowRange =
    window && alignedRange(window.after, window.before, now, 'window.after')

  return {
    today: await summarise(options, todayRange(now)),
    window: windowRange ? await summarise(options, windowRange) : null,
  }
}

/** Events per camera and label, and review items per severity, in one range. */
async function summarise(options: EventStatsHandlerOptions, range: HourRange) {
  const [{ keys: counts }, reviews] = await Promise.all([
    options.eventStats.totals(range, HOUR, {}),
    options.reviews.severityCounts(range.after, range.before),
  ])
  const cameras = new Map<
    string | null,
    { events: number; alerts: number; detections: number }
  >()
  const camera = (name: string | null) => {
    const entry = cameras.get(name) ?? { events: 0, alerts: 0, detections: 0 }
    cameras.set(name, entry)
    return entry
  }

  for (const [name, count] of tally(counts, (c) => c.camera)) camera(name).events = count
  for (const review of reviews) {
    const entry = camera(review.camera)
    if (review.severity === 'alert') entry.alerts += review.count
    if (review.severity === 'detection') entry.detections += review.count
  }
  const perCamera = [...cameras].map(([name, entry]) => ({ camera: name, ...entry }))

  return {
    ...range,
    events: sum(counts),
    alerts: perCamera.reduce((n, c) => n + c.alerts, 0),
    detections: perCamera.reduce((n, c) => n + c.detections, 0),
    cameras: perCamera.sort(
      (a, b) => b.events - a.events || b.alerts - a.alerts || byName(a.camera, b.camera),
    ),
    labels: tally(counts, (c) => c.label).map(([label, events]) => ({ label, events })),
  }
}

function sum(counts: readonly RollupKeyTotal[]): number {
  return counts.reduce((n, c) => n + c.count, 0)
}

/** Counts per name, most first, then by name (none last). */
function tally(
  counts: readonly RollupKeyTotal[],
  nameOf: (count: RollupKeyTotal) => string | null,
): [string | null, number][] {
  const totals = new Map<string | null, number>()

  for (const count of counts) {
    const name = nameOf(count)
    totals.set(name, (totals.get(name) ?? 0) + count.count)
  }

  return [...totals].sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))
}

function eventTypes(counts: readonly RollupKeyTotal[]) {
  const types = new Map<string, { count: number; micros: number }>()

  for (const count of counts) {
    const entry = types.get(count.eventType) ?? { count: 0, micros: 0 }
    entry.count += count.count
    entry.micros += count.scoreMicros
    types.set(count.eventType, entry)
  }

  return [...types]
    .map(([eventType, { count, micros }]) => ({
      event_type: eventType,
      count,
      avg_score: Math.round(micros / count) / 1_000_000,
    }))
    .sort((a, b) => b.count - a.count || byCodePoint(a.event_type, b.event_type))
}

/** Every bucket of the range in order, empty ones included. */
function series(totals: RollupTotals, range: HourRange, bucket: number) {
  const out: { start: number; count: number }[] = []

  for (
    let start = Math.floor(range.after / bucket) * bucket;
    start < range.before;
    start += bucket
  ) {
    out.push({ start, count: totals.series.get(start) ?? 0 })
  }

  return out
}

function byName(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1

  return byCodePoint(a, b)
}
