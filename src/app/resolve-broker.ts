import type { Logger } from '../log/logger.js'
import { isListening } from '../mqtt/broker-probe.js'
import { EmbeddedBroker } from '../mqtt/embedded-broker.js'

export interface BrokerChoice {
  url: string
  kind: 'embedded' | 'external'
  embedded?: EmbeddedBroker
  /** aedes speaks MQTT 3.1.1 only. */
  protocolVersion?: 4
}

export interface BrokerSettings {
  url: string | null
  embeddedPort: number
}

const LOCAL_HOST = '127.0.0.1'

/**
 * An explicit mqtt.url is used as given. Without one, a broker already on
 * localhost:embeddedPort is used, else the embedded broker is started there.
 */
export async function resolveBroker(
  settings: BrokerSettings,
  log: Logger,
): Promise<BrokerChoice> {
  if (settings.url) {
    log.info({ url: redact(settings.url) }, 'using the configured MQTT broker')
    return { url: settings.url, kind: 'external' }
  }

  const port = settings.embeddedPort
  if (port !== 0 && (await isListening(LOCAL_HOST, port))) {
    log.info({ port }, 'a broker already listens on localhost; using it')
    return { url: `mqtt://${LOCAL_HOST}:${port}`, kind: 'external' }
  }

  const embedded = new EmbeddedBroker({ port, host: LOCAL_HOST })
  await embedded.start()
  log.info({ port: embedded.port }, 'no broker on localhost; started the embedded broker')

  return {
    url: `mqtt://${LOCAL_HOST}:${embedded.port}`,
    kind: 'embedded',
    embedded,
    protocolVersion: 4,
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
