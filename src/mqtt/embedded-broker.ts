import { createServer, type AddressInfo, type Server } from 'node:net'
import { StartupError, errorCode, errorMessage } from '../errors.js'

export interface EmbeddedBrokerOptions {
  port: number
  host: string
}

/**
 * An in-process aedes broker (MQTT 3.1.1) for installs without one. It keeps
 * sessions in memory: a restart of the service is a restart of the broker.
 */
export class EmbeddedBroker {
  readonly #options: EmbeddedBrokerOptions
  #broker: import('aedes').Aedes | undefined
  #server: Server | undefined

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options
  }

  /** The bound port; differs from the option when that was 0. */
  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? this.#options.port
  }

  async start(): Promise<void> {
    const { port, host } = this.#options
    // Loaded only when needed: most installs use their own broker.
    const { Aedes } = await import('aedes')
    const broker = await Aedes.createBroker()
    const server = createServer(broker.handle)

    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => resolve())
      })
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      const reason = errorCode(error) ?? errorMessage(error)
      throw new StartupError(
        'BROKER_BIND_FAILED',
        `cannot start the embedded MQTT broker on ${host}:${port}: ${reason}`,
        'free the port, set mqtt.embeddedPort, or point mqtt.url at a running broker',
        { cause: error },
      )
    }

    this.#broker = broker
    this.#server = server
  }

  async stop(): Promise<void> {
    const server = this.#server
    const broker = this.#broker
    this.#server = undefined
    this.#broker = undefined

    // Closing the broker ends its client connections, which server.close waits for.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()))
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
