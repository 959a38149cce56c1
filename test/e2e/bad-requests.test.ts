import { expect } from 'chai'
import { describeMatrix, useService } from '../support/e2e-service.js'

describeMatrix('bad requests through the broker', { engines: ['sqlite'] }, (env) => {
  const service = useService(env, {}, { scope: 'suite' })

  async function error(op: string, body: Record<string, unknown> | string) {
    const reply = await service().request(op, body)
    expect(reply.status).to.equal('error')
    expect(reply.data).to.equal(null)

    return reply.error
  }

  it('answers INVALID_JSON when the request is not JSON', async function () {
    const problem = await error('events/query', '{"cameras": [')

    expect(problem?.code).to.equal('INVALID_JSON')
    expect(problem?.message).to.match(/^request is not valid JSON/)
  })

  it('answers INVALID_REQUEST when the request is JSON but not an object', async function () {
    expect(await error('events/query', '[1, 2]')).to.include({ code: 'INVALID_REQUEST' })
    expect(await error('health', '"hello"')).to.include({ code: 'INVALID_REQUEST' })
  })

  it('names an unknown field', async function () {
    const problem = await error('events/query', { camera: 'front_door' })

    expect(problem).to.include({ code: 'INVALID_REQUEST', field: 'camera' })
    expect(problem?.message).to.include('camera is not a known field')
  })

  it('names the field of each wrong type or range', async function () {
    const cases: [string, Record<string, unknown>, string][] = [
      ['events/query', { cameras: 'front_door' }, 'cameras'],
      ['events/query', { cameras: [] }, 'cameras'],
      ['events/query', { limit: 'ten' }, 'limit'],
      ['events/query', { limit: 0 }, 'limit'],
      ['events/query', { min_score: 2 }, 'min_score'],
      ['events/query', { in_progress: 'yes' }, 'in_progress'],
      ['events/query', { sort: 'random' }, 'sort'],
      ['events/query', { after: 200, before: 100 }, 'after'],
      ['events/query', { cursor: 'not-a-cursor' }, 'cursor'],
      ['events/get', {}, 'id'],
      ['events/get', { id: 5 }, 'id'],
      ['deadletters/query', { after: 'yesterday' }, 'after'],
    ]

    for (const [op, body, field] of cases) {
      const problem = await error(op, body)
      expect(problem, `${op} ${JSON.stringify(body)}`).to.include({
        code: 'INVALID_REQUEST',
        field,
      })
    }
  })

  it('answers UNKNOWN_OP with the known ops for an op it does not serve', async function () {
    const problem = await error('events/delete', {})

    expect(problem?.code).to.equal('UNKNOWN_OP')
    expect(problem?.message).to.include('events/query')
    expect(problem?.message).to.include('health')
  })

  it('echoes the transaction in error responses', async function () {
    const reply = await service().request(
      'events/query',
      '{"limit": -1, "transaction": "t-9"}',
    )

    expect(reply).to.include({ status: 'error', transaction: 't-9' })
  })

  it('answers health with status ok and every part up', async function () {
    const reply = await service().request('health')
    const protocol = env().broker.name === 'aedes' ? 4 : 5

    expect(reply.status).to.equal('ok')
    expect(reply.data).to.deep.include({ status: 'ok', problems: [] })
    expect(reply.data.storage).to.include({ engine: 'sqlite', reachable: true })
    expect(reply.data.mqtt).to.deep.equal({
      connected: true,
      broker: 'external',
      protocol_version: protocol,
    })
  })

  it('treats an empty payload as an empty request', async function () {
    const reply = await service().request('events/query', '')

    expect(reply.status).to.equal('ok')
    expect(reply.data.events).to.deep.equal([])
  })
})
