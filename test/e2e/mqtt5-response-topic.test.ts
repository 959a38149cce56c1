import { expect } from 'chai'
import type { IPublishPacket, MqttClient } from 'mqtt'
import { connectClient, type ResponseEnvelope } from '../support/mqtt-client.js'
import { checkResponse } from '../support/e2e-contract.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually, sleep } from '../support/e2e-wait.js'

interface Received {
  topic: string
  envelope: ResponseEnvelope
  correlation: string | undefined
}

// aedes speaks MQTT 3.1.1 only, which has no Response Topic (MQTT 5.0 §4.10).
describeMatrix(
  'MQTT 5 request/response',
  { brokers: ['mosquitto'], engines: ['sqlite'] },
  (env) => {
    const service = useService(
      env,
      (names) => ({ mqtt: { responseTopicPrefixes: [`${names.clientId}/replies/`] } }),
      { scope: 'suite' },
    )
    let client: MqttClient | undefined
    let received: Received[] = []

    beforeEach(async function () {
      const { names } = service()
      received = []
      client = await connectClient(env().broker.url, { protocolVersion: 5 })
      client.on('message', (topic, payload, packet: IPublishPacket) => {
        const correlation = packet.properties?.correlationData?.toString('utf8')
        const envelope = JSON.parse(payload.toString('utf8')) as ResponseEnvelope
        received.push({ topic, envelope, correlation })
      })
      await client.subscribeAsync(
        [
          `${names.clientId}/replies/#`,
          `${names.clientId}/elsewhere/#`,
          `${names.baseTopic}/response/#`,
        ],
        { qos: 1 },
      )
    })

    afterEach(async function () {
      await client?.endAsync()
    })

    async function ask<Op extends string>(
      op: Op,
      responseTopic: string,
      correlation: string,
    ) {
      await client?.publishAsync(
        `${service().names.baseTopic}/request/${op}`,
        JSON.stringify({ transaction: correlation }),
        {
          qos: 1,
          properties: { responseTopic, correlationData: Buffer.from(correlation) },
        },
      )

      return eventually(() => {
        const reply = received.find((r) => r.envelope.transaction === correlation)
        if (!reply) throw new Error(`no reply to ${correlation}`)
        return { ...reply, envelope: checkResponse(op, reply.envelope) }
      })
    }

    it('answers on a Response Topic under an allowed prefix with the Correlation Data', async function () {
      const topic = `${service().names.clientId}/replies/mine`

      const reply = await ask('health', topic, 'corr-1')

      expect(reply.topic).to.equal(topic)
      expect(reply.correlation).to.equal('corr-1')
      expect(reply.envelope.status).to.equal('ok')
      expect(reply.envelope.data.mqtt.protocol_version).to.equal(5)
    })

    it('honours a Response Topic under <base>/response/ without configuration', async function () {
      const topic = `${service().names.baseTopic}/response/custom-7`

      const reply = await ask('events/query', topic, 'corr-2')

      expect(reply).to.deep.include({ topic, correlation: 'corr-2' })
      expect(reply.envelope.status).to.equal('ok')
    })

    it('refuses a Response Topic outside the allowed prefixes on the default topic', async function () {
      const { names } = service()
      const outside = `${names.clientId}/elsewhere/x`

      const reply = await ask('health', outside, 'corr-3')
      await sleep(200)

      expect(reply.topic).to.equal(`${names.baseTopic}/response/health`)
      expect(reply.correlation).to.equal('corr-3')
      expect(reply.envelope.status).to.equal('error')
      expect(reply.envelope.error?.code).to.equal('RESPONSE_TOPIC_NOT_ALLOWED')
      expect(received.filter((r) => r.topic === outside)).to.deep.equal([])
    })
  },
)
