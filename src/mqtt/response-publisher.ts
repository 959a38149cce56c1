import type { IPublishPacket } from 'mqtt'
import type { RequestRouter } from '../api/request-router.js'
import { errorMessage } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { MqttService } from './mqtt-service.js'

/**
 * Publishes what the service has to say: answers to requests (handlers only
 * return data) and announcements such as blacklist alerts.
 */
export class ResponsePublisher {
  readonly #mqtt: MqttService
  readonly #logger: Logger

  constructor(mqtt: MqttService, logger: Logger) {
    this.#mqtt = mqtt
    this.#logger = logger
  }

  /** Answers one request; MQTT 5 Correlation Data goes back with the reply. */
  async answer(
    requests: RequestRouter,
    op: string,
    packet: IPublishPacket,
  ): Promise<void> {
    const props = packet.properties
    const reply = await requests.handle(op, packet.payload as Buffer, {
      responseTopic: props?.responseTopic,
      correlationData: props?.correlationData,
    })
    const properties =
      reply.correlationData && this.#mqtt.protocolVersion === 5
        ? { correlationData: reply.correlationData }
        : undefined

    await this.#mqtt
      .publish(reply.topic, reply.payload, { qos: 1, properties })
      .catch((error: unknown) => {
        this.#logger.warn(
          { op, err: errorMessage(error) },
          'could not publish a response',
        )
      })
  }

  announce(topic: string, message: unknown): void {
    this.#mqtt
      .publish(topic, JSON.stringify(message), { qos: 1 })
      .catch((error: unknown) => {
        this.#logger.warn(
          { topic, err: errorMessage(error) },
          'could not publish an announcement',
        )
      })
  }
}
