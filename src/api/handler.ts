/** A request handler: the validated request in, the response's data out. */
export type Handler = (request: Record<string, unknown>) => Promise<unknown>

/** Handlers by op name, e.g. 'events/query'. */
export type HandlerMap = Record<string, Handler>
