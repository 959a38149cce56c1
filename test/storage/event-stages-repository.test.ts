import { expect } from 'chai'
import type { NativeEventMessage } from '../../src/ingest/mappers/native-event-mapper.js'
import type { Engine } from '../../src/storage/engine.js'
import {
  createRepositories,
  type Repositories,
} from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { applyMessages, type StreamMessage } from '../support/frigate-security.js'

const RECEIVED_AT = 1_718_990_000
const PARENT = '1718987128.947436-g92ztx'

function native(
  stage: string | undefined,
  extra: Partial<NativeEventMessage> = {},
  receivedAt = RECEIVED_AT,
): StreamMessage {
  const message: NativeEventMessage = {
    event_id: 'evt-1',
    event_type: 'face_recognized',
    timestamp: 1_718_987_130,
    source: 'doorbell',
    ...(stage === undefined ? {} : { processing_stage: stage }),
    ...extra,
  }

  return { stream: 'native-event', message, receivedAt }
}

describeEachEngine('EventStagesRepository', (ctx) => {
  let engine: Engine
  let repos: Repositories

  beforeEach(() => {
    engine = ctx().engine
    repos = createRepositories(engine)
  })

  const apply = (messages: readonly StreamMessage[]) =>
    applyMessages(engine, repos, messages)
  const stages = async () =>
    (await repos.eventStages.forEvent('evt-1')).map((s) => [
      s.stage,
      s.enrichments,
      s.errors,
    ])

  it("keeps each stage's enrichments and errors when later stages arrive, in any order", async () => {
    const recognized = native('recognized', {
      enrichments: { person: 'alice' },
      errors: ['plate reader timed out'],
    })
    const enriched = native('enriched', {
      enrichments: { weather: 'rain' },
      errors: [{ stage: 'enriched', message: 'no forecast' }],
    })
    const received = native('received')

    await apply([enriched])
    await apply([received, recognized])

    expect(await stages()).to.deep.equal([
      ['received', null, []],
      ['recognized', { person: 'alice' }, ['plate reader timed out']],
      ['enriched', { weather: 'rain' }, [{ stage: 'enriched', message: 'no forecast' }]],
    ])
    expect((await repos.events.get('evt-1'))?.processingStage).to.equal('enriched')
  })

  it('keeps the message received last within one stage', async () => {
    const first = native('enriched', { errors: ['first'] }, RECEIVED_AT)
    const second = native('enriched', { errors: ['second'] }, RECEIVED_AT + 1)

    await apply([second, first])
    await apply([first])

    expect(await stages()).to.deep.equal([['enriched', null, ['second']]])
  })

  it('ranks a stage it does not know before the known ones', async () => {
    await apply([native('completed'), native('audited')])

    expect((await stages()).map(([stage]) => stage)).to.deep.equal([
      'audited',
      'completed',
    ])
  })

  it('records no stage for a message that names none', async () => {
    await apply([native(undefined, { errors: ['x'] })])

    expect(await stages()).to.deep.equal([])
  })
})

describeEachEngine('EventsRepository.children', (ctx) => {
  it('finds the native events whose parent is an event, oldest first', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const child = (id: string, timestamp: number, parent: string | null) =>
      native('completed', { event_id: id, timestamp, parent_event_id: parent })

    await applyMessages(engine, repos, [
      child('child-b', 1_718_987_140, PARENT),
      child('child-a', 1_718_987_135, PARENT),
      child('orphan', 1_718_987_136, null),
      child('other', 1_718_987_137, 'another-parent'),
      { stream: 'frigate-event', message: frigateMessage('new', PARENT), receivedAt: 1 },
    ])

    const children = await repos.events.children(PARENT)

    expect(children.map((c) => [c.id, c.parentEventId])).to.deep.equal([
      ['child-a', PARENT],
      ['child-b', PARENT],
    ])
    expect(await repos.events.children('child-a')).to.deep.equal([])
  })
})
