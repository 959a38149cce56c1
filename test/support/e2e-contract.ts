import type { MqttClient } from 'mqtt'
import type { toWireEvent } from '../../src/api/handlers/events.js'
import { responseSchemaId } from '../../src/api/request-router.js'
import type {
  toWireEncoding,
  toWirePerson,
  toWireSearch,
} from '../../src/faces/face-wire.js'
import type { checkHealth } from '../../src/ops/health.js'
import { describeProblems, SchemaRegistry } from '../../src/validation/schema-registry.js'
import { request, type ResponseEnvelope } from './mqtt-client.js'

export type WireEvent = ReturnType<typeof toWireEvent>
export type HealthReport = Awaited<ReturnType<typeof checkHealth>>
export type WirePerson = ReturnType<typeof toWirePerson>
export type WirePersonChange = { person: WirePerson; changes: string[] }

export interface WireDeadLetter {
  id: number
  topic: string
  reason: string
  size: number
  truncated: boolean
  received_at: number
  payload: string
  payload_encoding: 'utf8' | 'base64'
}

/** The data of each op's successful response, as schemas/response/ describes it. */
export interface ResponseData {
  'events/query': { events: WireEvent[]; next_cursor: string | null; limit: number }
  'events/get': WireEvent
  'deadletters/query': {
    dead_letters: WireDeadLetter[]
    next_cursor: string | null
    limit: number
  }
  health: HealthReport
  'faces/enroll': { person: WirePerson; created: boolean; encoding_ids: number[] }
  'faces/update': WirePersonChange
  'faces/remove': WirePersonChange
  'faces/get': { person: WirePerson; encodings: ReturnType<typeof toWireEncoding>[] }
  'faces/list': { persons: WirePerson[]; next_cursor: string | null; limit: number }
  'faces/search': ReturnType<typeof toWireSearch>
}

export type Envelope<Op extends string> = Omit<ResponseEnvelope, 'data'> & {
  data: Op extends keyof ResponseData ? ResponseData[Op] : unknown
}

const schemas = new SchemaRegistry()

/**
 * Throws unless the envelope, and on success its data, match the published
 * response schemas: every e2e answer is also a check of the public contract.
 */
export function checkResponse<Op extends string>(
  op: Op,
  envelope: ResponseEnvelope,
): Envelope<Op> {
  const shape = schemas.validate('response/envelope.schema.json', envelope)
  if (!shape.ok) throw new Error(`${op} envelope: ${describeProblems(shape.problems)}`)

  const id = responseSchemaId(op)
  if (envelope.status === 'ok' && schemas.has(id)) {
    const data = schemas.validate(id, envelope.data)
    if (!data.ok) throw new Error(`${op} data: ${describeProblems(data.problems)}`)
  }

  return envelope
}

/** Sends a request under `base` and checks the answer against the contract. */
export async function checkedRequest<Op extends string>(
  client: MqttClient,
  base: string,
  op: Op,
  body: Record<string, unknown> | string = {},
): Promise<Envelope<Op>> {
  return checkResponse(op, await request(client, op, body, { base }))
}
