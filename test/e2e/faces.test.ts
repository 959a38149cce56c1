import { expect } from 'chai'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { ENGINE_NAMES } from '../support/engines.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually, watchTopic } from '../support/e2e-wait.js'

const DLIB = 'dlib_face_recognition_resnet_model_v1'
const schemas = new SchemaRegistry()

/** A 128-d dlib encoding: `leading`, then zeros. */
function dlib(leading: number[]): number[] {
  return [...leading, ...new Array<number>(128 - leading.length).fill(0)]
}

function base64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64')
}

describeMatrix('faces through the broker', { engines: ENGINE_NAMES }, (env) => {
  const service = useService(env)

  const enrolTopic = () => `${service().names.baseTopic}/ingest/face`

  it('answers faces/search with a person enrolled on ingest/face as soon as the broker acked', async function () {
    const s = service()
    const payload = { name: 'alice', model: DLIB, encoding: dlib([0.1, 0.2]) }

    await s.publish(enrolTopic(), JSON.stringify(payload))
    // No waiting: the PUBACK followed the commit and the index update.
    const reply = await s.request('faces/search', {
      encoding: base64(dlib([0.1, 0.25])),
      model: DLIB,
    })

    expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')
    expect(reply.data.verdict).to.equal('known')
    expect(reply.data.matches.map((m) => m.name)).to.deep.equal(['alice'])
  })

  it('publishes a blacklist alert when the nearest person is blacklisted', async function () {
    const s = service()
    const alertTopic = `${s.names.baseTopic}/alerts/blacklist`
    const alerts = await watchTopic(s.client, alertTopic)
    const mallory = {
      name: 'mallory',
      list: 'blacklist',
      reason: 'took parcels',
      model: DLIB,
      model_version: '1',
      encodings: [dlib([0.9]), base64(dlib([0.85]))],
      actor: 'doorbell-recogniser',
    }

    await s.publish(enrolTopic(), JSON.stringify(mallory))
    const stranger = await s.request('faces/search', {
      encoding: dlib([0.1]),
      model: DLIB,
    })
    const reply = await s.request('faces/search', {
      encoding: dlib([0.88]),
      model: DLIB,
      camera: 'front_door',
      event_id: 'ring-1',
    })
    const [alert] = await eventually(() => {
      expect(alerts.messages).to.have.length(1)
      return alerts.messages.map((m) => JSON.parse(m) as Record<string, unknown>)
    })

    expect(stranger.data.verdict).to.equal('unknown')
    expect(reply.data.verdict).to.equal('blacklist')
    const [match] = reply.data.matches
    expect(match).to.include({
      name: 'mallory',
      list: 'blacklist',
      reason: 'took parcels',
    })
    expect(schemas.validate('alert/blacklist.schema.json', alert).ok).to.equal(true)
    expect(alert).to.deep.include({
      person_id: match?.person_id,
      name: 'mallory',
      list: 'blacklist',
      reason: 'took parcels',
      distance: match?.distance,
      encoding_id: match?.encoding_id,
      camera: 'front_door',
      event_id: 'ring-1',
      model: DLIB,
    })
  })

  it('keeps a face payload it cannot enrol as a dead letter with the reason', async function () {
    const s = service()
    const payload = JSON.stringify({ name: 'x', model: 'facenet', encoding: [0.1] })

    await s.publish(enrolTopic(), payload)
    const letters = await eventually(async () => {
      const reply = await s.request('deadletters/query', { topic: enrolTopic() })
      expect(reply.data.dead_letters).to.have.length(1)
      return reply.data.dead_letters
    })

    expect(letters[0]?.payload).to.equal(payload)
    expect(letters[0]?.reason).to.include('model facenet is not configured')
    const list = await s.request('faces/list', { status: 'all' })
    expect(list.data.persons).to.deep.equal([])
  })

  it('removes and restores a person over requests, and search follows each answer', async function () {
    const s = service()
    await s.publish(
      enrolTopic(),
      JSON.stringify({ name: 'bob', model: DLIB, encoding: dlib([0.3]) }),
    )
    const ask = () => s.request('faces/search', { encoding: dlib([0.3]), model: DLIB })
    const [bob] = (await s.request('faces/list', { name: 'bob' })).data.persons

    const removed = await s.request('faces/remove', { id: bob?.id, actor: 'owner' })
    const whileRemoved = await ask()
    const restored = await s.request('faces/update', { id: bob?.id, active: true })

    expect(removed.data.changes).to.deep.equal(['remove'])
    expect(whileRemoved.data.verdict).to.equal('unknown')
    expect(restored.data.changes).to.deep.equal(['restore'])
    expect((await ask()).data.matches.map((m) => m.name)).to.deep.equal(['bob'])
  })
})
