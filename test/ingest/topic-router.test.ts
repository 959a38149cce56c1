import { expect } from 'chai'
import { TopicRouter, type TopicSettings } from '../../src/ingest/topic-router.js'

const SETTINGS: TopicSettings = {
  baseTopic: 'doorbell-storage',
  frigatePrefix: 'frigate',
  watchBrokerDrops: true,
}

describe('TopicRouter', () => {
  const router = new TopicRouter(SETTINGS)

  it('routes frigate/events to the frigate-event stream', () => {
    expect(router.route('frigate/events')).to.deep.equal({
      kind: 'stream',
      stream: 'frigate-event',
    })
  })

  it('routes <base>/ingest/event to the native-event stream', () => {
    expect(router.route('doorbell-storage/ingest/event')).to.deep.equal({
      kind: 'stream',
      stream: 'native-event',
    })
  })

  it('routes frigate/reviews and frigate/tracked_object_update to their streams', () => {
    expect(router.route('frigate/reviews')).to.deep.equal({
      kind: 'stream',
      stream: 'frigate-review',
    })
    expect(router.route('frigate/tracked_object_update')).to.deep.equal({
      kind: 'stream',
      stream: 'frigate-object-update',
    })
  })

  it('routes <base>/ingest/face to face enrolment, outside the streams', () => {
    expect(router.route('doorbell-storage/ingest/face')).to.deep.equal({ kind: 'face' })
    expect(
      new TopicRouter({ ...SETTINGS, baseTopic: 'home/db' }).route('home/db/ingest/face'),
    ).to.deep.equal({ kind: 'face' })
  })

  it('routes other <base>/ingest/ topics to unknown-ingest', () => {
    expect(router.route('doorbell-storage/ingest/faces')).to.deep.equal({
      kind: 'unknown-ingest',
    })
    expect(router.route('doorbell-storage/ingest/event/extra')).to.deep.equal({
      kind: 'unknown-ingest',
    })
    expect(router.route('doorbell-storage/ingest/face/extra')).to.deep.equal({
      kind: 'unknown-ingest',
    })
  })

  it('routes <base>/request/<op> with the op, slashes included', () => {
    expect(router.route('doorbell-storage/request/events/query')).to.deep.equal({
      kind: 'request',
      op: 'events/query',
    })
    expect(router.route('doorbell-storage/request/health')).to.deep.equal({
      kind: 'request',
      op: 'health',
    })
  })

  it("routes the broker's $SYS drop counters", () => {
    expect(router.route('$SYS/broker/publish/messages/dropped')).to.deep.equal({
      kind: 'broker-stat',
      stat: 'dropped_total',
    })
    expect(router.route('$SYS/broker/load/publish/dropped/1min')).to.deep.equal({
      kind: 'broker-stat',
      stat: 'dropped_1min',
    })
  })

  it('ignores every other topic', () => {
    const topics = [
      'frigate/events/extra',
      'frigate/front_door/person',
      'frigate/available',
      'doorbell-storage/response/events/query',
      'doorbell-storage/available',
      'other/ingest/event',
      '$SYS/broker/uptime',
    ]

    for (const topic of topics)
      expect(router.route(topic), topic).to.deep.equal({ kind: 'ignore' })
  })

  it('follows custom prefixes', () => {
    const custom = new TopicRouter({
      ...SETTINGS,
      baseTopic: 'home/db',
      frigatePrefix: 'nvr',
    })

    expect(custom.route('nvr/events')).to.deep.equal({
      kind: 'stream',
      stream: 'frigate-event',
    })
    expect(custom.route('home/db/ingest/event')).to.deep.equal({
      kind: 'stream',
      stream: 'native-event',
    })
    expect(custom.route('frigate/events')).to.deep.equal({ kind: 'ignore' })
    expect(custom.route('doorbell-storage/request/health')).to.deep.equal({
      kind: 'ignore',
    })
  })

  it('subscribes ingest at QoS 1 with the drop counters; requests at QoS 0 with faces', () => {
    expect(router.ingestSubscriptions()).to.deep.equal([
      { topic: 'frigate/events', qos: 1 },
      { topic: 'frigate/reviews', qos: 1 },
      { topic: 'frigate/tracked_object_update', qos: 1 },
      { topic: 'doorbell-storage/ingest/#', qos: 1 },
      { topic: '$SYS/broker/publish/messages/dropped', qos: 0 },
      { topic: '$SYS/broker/load/publish/dropped/1min', qos: 0 },
    ])
    expect(router.requestSubscriptions()).to.deep.equal([
      { topic: 'doorbell-storage/ingest/face', qos: 1 },
      { topic: 'doorbell-storage/request/#', qos: 0 },
    ])
  })

  it('leaves out the drop counters when watchBrokerDrops is off', () => {
    const quiet = new TopicRouter({ ...SETTINGS, watchBrokerDrops: false })

    expect(quiet.ingestSubscriptions().map((s) => s.topic)).to.deep.equal([
      'frigate/events',
      'frigate/reviews',
      'frigate/tracked_object_update',
      'doorbell-storage/ingest/#',
    ])
  })

  it('routes every topic it subscribes to somewhere other than ignore', () => {
    const samples = [
      'frigate/events',
      'frigate/reviews',
      'frigate/tracked_object_update',
      'doorbell-storage/ingest/x',
      'doorbell-storage/request/x',
    ]

    for (const topic of samples)
      expect(router.route(topic).kind, topic).to.not.equal('ignore')
  })
})
