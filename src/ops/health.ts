import type { ApplierStats } from '../ingest/applier.js'
import type { IngestCounters } from '../ingest/ingest-handler.js'
import type { BrokerStats } from '../mqtt/broker-stats.js'
import type { Engine } from '../storage/engine.js'
import type { RetentionStats } from './retention.js'

export interface HealthSources {
  version: string
  startedAt: number
  engine: Engine
  mqtt: { connected: boolean; protocolVersion: 4 | 5 }
  brokerKind: 'embedded' | 'external'
  ingest: IngestCounters
  applier: ApplierStats
  inboxPending: () => number
  broker: BrokerStats
  retention: RetentionStats
}

/** The health report: each part's state, and the problems that degrade it. */
export async function checkHealth(s: HealthSources) {
  const started = performance.now()
  const reachable = await s.engine.ping().then(
    () => true,
    () => false,
  )
  const latency = reachable ? performance.now() - started : null
  const problems: string[] = []

  if (!reachable) problems.push('database unreachable; messages wait in the inbox')
  if (!s.mqtt.connected) problems.push('MQTT disconnected')
  if (s.applier.paused) problems.push('inbox full; acknowledgements held')
  if ((s.broker.dropped_1min ?? 0) > 0) problems.push('the broker is dropping messages')

  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    version: s.version,
    uptime_s: Math.round((Date.now() - s.startedAt) / 1000),
    storage: { engine: s.engine.capabilities.kind, reachable, latency_ms: latency },
    mqtt: {
      connected: s.mqtt.connected,
      broker: s.brokerKind,
      protocol_version: s.mqtt.protocolVersion,
    },
    ingest: {
      received: s.ingest.received,
      applied: s.applier.applied,
      dead_lettered: s.ingest.deadLettered,
      pending: s.inboxPending(),
      paused: s.applier.paused,
      last_batch_size: s.applier.lastBatchSize,
      last_batch_ms: s.applier.lastBatchMs,
      last_error: s.applier.lastError,
    },
    broker: s.broker,
    retention: {
      last_run_at: s.retention.lastRunAt,
      last_run_ms: s.retention.lastRunMs,
      deleted: {
        events: s.retention.deleted.events,
        reviews: s.retention.deleted.reviews,
        dead_letters: s.retention.deleted.deadLetters,
        audit: s.retention.deleted.audit,
      },
      last_error: s.retention.lastError,
    },
  }
}
