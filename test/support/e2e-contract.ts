import { responseSchemaId } from '../../src/api/request-router.js'
import { describeProblems, SchemaRegistry } from '../../src/validation/schema-registry.js'
import type { ResponseEnvelope } from './mqtt-client.js'

const schemas = new SchemaRegistry()

/**
 * Throws unless the envelope, and on success its data, match the published
 * response schemas: every e2e answer is also a check of the public contract.
 */
export function checkResponse(op: string, envelope: ResponseEnvelope): ResponseEnvelope {
  const shape = schemas.validate('response/envelope.schema.json', envelope)
  if (!shape.ok) throw new Error(`${op} envelope: ${describeProblems(shape.problems)}`)

  const id = responseSchemaId(op)
  if (envelope.status !== 'ok' || !schemas.has(id)) return envelope

  const data = schemas.validate(id, envelope.data)
  if (!data.ok) throw new Error(`${op} data: ${describeProblems(data.problems)}`)

  return envelope
}
