import type { BrokerStat } from '../ingest/topic-router.js'

/** The broker's own counters from $SYS, null until (or unless) it sends them. */
export type BrokerStats = Record<BrokerStat, number | null>

export function emptyBrokerStats(): BrokerStats {
  return { dropped_total: null, dropped_1min: null }
}

export function recordBrokerStat(
  stats: BrokerStats,
  stat: BrokerStat,
  payload: Buffer,
): void {
  const value = Number.parseFloat(payload.toString('utf8'))
  if (Number.isFinite(value)) stats[stat] = value
}
