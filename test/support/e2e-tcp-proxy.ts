import {
  connect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net'

export interface ProxyTarget {
  host: string
  port: number
}

/**
 * A TCP relay on 127.0.0.1 that a test can cut (every connection dropped,
 * new ones refused) and restore on the same port: a database outage.
 */
export class TcpProxy {
  readonly #target: ProxyTarget
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #port = 0

  constructor(target: ProxyTarget) {
    this.#target = target
  }

  get port(): number {
    return this.#port
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.#relay(client))

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#port, '127.0.0.1', () => resolve())
    })
    this.#port = (server.address() as AddressInfo).port
    this.#server = server
  }

  /** Drops every connection and stops listening. */
  async cut(): Promise<void> {
    const server = this.#server
    this.#server = undefined

    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Listens again on the same port. */
  restore(): Promise<void> {
    return this.start()
  }

  stop(): Promise<void> {
    return this.cut()
  }

  #relay(client: Socket): void {
    const upstream = connect(this.#target)
    this.#sockets.add(client).add(upstream)

    const drop = (): void => {
      client.destroy()
      upstream.destroy()
      this.#sockets.delete(client)
      this.#sockets.delete(upstream)
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    client.pipe(upstream)
    upstream.pipe(client)
  }
}
