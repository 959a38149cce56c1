import { errorMessage } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { SchemaRegistry } from '../validation/schema-registry.js'
import type { HandlerMap } from './handler.js'
import { RequestError } from './request-error.js'

export interface RequestRouterOptions {
  schemas: SchemaRegistry
  handlers: HandlerMap
  baseTopic: string
  /** MQTT 5 Response Topics honoured beside <baseTopic>/response/. */
  responseTopicPrefixes: string[]
  logger: Logger
  /** Whether an error means the database is unreachable (answered UNAVAILABLE). */
  isOutage?: (error: unknown) => boolean
}

/** MQTT 5 request properties the router reads (MQTT 5.0 §4.10). */
export interface RequestProperties {
  responseTopic?: string
  correlationData?: Buffer
}

/** What to publish in answer to one request. */
export interface Reply {
  topic: string
  payload: string
  correlationData?: Buffer
}

export interface Envelope {
  status: 'ok' | 'error'
  data: unknown
  error: { code: string; message: string; field?: string } | null
  transaction?: string | number
}

/**
 * Answers <base>/request/<op> on <base>/response/<op> with {status, data,
 * error} and the request's transaction, or on the MQTT 5 Response Topic with
 * its Correlation Data when that topic is under an allowed prefix.
 */
export class RequestRouter {
  readonly #o: RequestRouterOptions
  readonly #allowedPrefixes: string[]

  constructor(options: RequestRouterOptions) {
    this.#o = options
    this.#allowedPrefixes = [
      `${options.baseTopic}/response/`,
      ...options.responseTopicPrefixes,
    ]
  }

  get ops(): string[] {
    return Object.keys(this.#o.handlers)
  }

  async handle(
    op: string,
    payload: Buffer,
    properties: RequestProperties = {},
  ): Promise<Reply> {
    const started = performance.now()
    let transaction: string | number | undefined
    let envelope: Envelope

    try {
      const request = this.#parse(payload)
      transaction = readTransaction(request)
      const topic = properties.responseTopic
      if (topic !== undefined && !this.#allowed(topic)) {
        throw new RequestError(
          'RESPONSE_TOPIC_NOT_ALLOWED',
          `response topic ${topic} is not under an allowed prefix (mqtt.responseTopicPrefixes)`,
        )
      }
      const data = await this.#dispatch(op, request)
      envelope = { status: 'ok', data, error: null }
    } catch (error) {
      envelope = { status: 'error', data: null, error: this.#toError(op, error) }
    }

    if (transaction !== undefined) envelope.transaction = transaction
    this.#o.logger.debug({ op, ms: performance.now() - started }, 'request answered')

    return {
      topic: this.#replyTopic(op, properties.responseTopic),
      payload: JSON.stringify(envelope),
      correlationData: properties.correlationData,
    }
  }

  #parse(payload: Buffer): Record<string, unknown> {
    const text = payload.toString('utf8').trim()
    if (text === '') return {}

    let request: unknown
    try {
      request = JSON.parse(text)
    } catch (error) {
      throw new RequestError(
        'INVALID_JSON',
        `request is not valid JSON: ${errorMessage(error)}`,
      )
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      throw new RequestError('INVALID_REQUEST', 'request must be a JSON object')
    }

    return request as Record<string, unknown>
  }

  async #dispatch(op: string, request: Record<string, unknown>): Promise<unknown> {
    const handler = this.#o.handlers[op]
    if (!handler) {
      throw new RequestError(
        'UNKNOWN_OP',
        `unknown op ${op}; known: ${this.ops.join(', ')}`,
      )
    }

    const result = this.#o.schemas.validate(requestSchemaId(op), request)
    if (!result.ok) {
      const first = result.problems[0]
      const field = first?.path.split('/').filter(Boolean).join('.') || undefined
      const message = result.problems.map(
        (p) => `${p.path.slice(1) || 'request'} ${p.message}`,
      )
      throw new RequestError('INVALID_REQUEST', message.join('; '), field)
    }

    return handler(request)
  }

  #toError(op: string, error: unknown): NonNullable<Envelope['error']> {
    if (error instanceof RequestError) {
      const { code, message, field } = error
      return field === undefined ? { code, message } : { code, message, field }
    }

    if (this.#o.isOutage?.(error)) {
      const message = `the database is unreachable (${errorMessage(error)}); try again later`
      return { code: 'UNAVAILABLE', message }
    }

    this.#o.logger.error({ op, err: errorMessage(error) }, 'request failed')
    return { code: 'INTERNAL', message: `request failed: ${errorMessage(error)}` }
  }

  #allowed(topic: string): boolean {
    return (
      !/[#+]/.test(topic) &&
      this.#allowedPrefixes.some((prefix) => topic.startsWith(prefix))
    )
  }

  #replyTopic(op: string, responseTopic: string | undefined): string {
    if (responseTopic !== undefined && this.#allowed(responseTopic)) return responseTopic

    return `${this.#o.baseTopic}/response/${op}`
  }
}

export function requestSchemaId(op: string): string {
  return `request/${op.replaceAll('/', '-')}.schema.json`
}

export function responseSchemaId(op: string): string {
  return `response/${op.replaceAll('/', '-')}.schema.json`
}

function readTransaction(request: Record<string, unknown>): string | number | undefined {
  const value = request.transaction

  return typeof value === 'string' || typeof value === 'number' ? value : undefined
}
