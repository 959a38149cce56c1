/**
 * Frigate-shaped frigate/events traffic: each tracked object publishes new,
 * a few updates and end, with growing frame_time, interleaved across objects.
 */
const CAMERAS = ['front_door', 'driveway', 'garden', 'garage'] as const
const LABELS = ['person', 'person', 'person', 'car', 'dog', 'cat', 'package'] as const
const ZONES = ['porch', 'steps', 'path', 'street'] as const
const PEOPLE = ['alice', 'bob', 'carol'] as const

export interface TrafficMessage {
  id: string
  payload: Buffer
}

/** Messages for `count` publishes; ids are unique per run via `runId`. */
export function* frigateTraffic(count: number, runId: string): Generator<TrafficMessage> {
  const statesPerObject = 5
  let produced = 0

  for (let object = 0; produced < count; object++) {
    const id = `${(1_718_987_000 + object).toFixed(6)}-${runId}${object.toString(36)}`
    const camera = CAMERAS[object % CAMERAS.length] ?? 'front_door'
    const label = LABELS[object % LABELS.length] ?? 'person'
    const start = 1_718_987_000 + object * 7

    for (
      let state = 0;
      state < statesPerObject && produced < count;
      state++, produced++
    ) {
      const type = state === 0 ? 'new' : state === statesPerObject - 1 ? 'end' : 'update'
      const after = {
        id,
        camera,
        label,
        frame_time: start + state * 1.5,
        start_time: start,
        end_time: type === 'end' ? start + state * 1.5 : null,
        sub_label:
          label === 'person' && object % 7 === 0 ? [PEOPLE[object % 3], 0.92] : null,
        top_score: 0.7 + (object % 30) / 100,
        score: 0.65 + (state % 5) / 20,
        false_positive: false,
        box: [120 + state, 80, 260 + state, 400],
        region: [0, 0, 640, 640],
        area: 44800,
        ratio: 0.4375,
        stationary: false,
        motionless_count: 0,
        position_changes: state,
        current_zones: state > 0 ? [ZONES[state % ZONES.length]] : [],
        entered_zones: ZONES.slice(0, state),
        has_clip: state > 1,
        has_snapshot: state > 0,
        attributes: label === 'person' ? { face: 0.81 } : {},
        current_attributes: [],
        snapshot: {
          frame_time: start + state,
          box: [120, 80, 260, 400],
          area: 44800,
          score: 0.8,
        },
        active: type !== 'end',
        max_severity: label === 'person' ? 'alert' : 'detection',
      }
      yield { id, payload: Buffer.from(JSON.stringify({ type, before: null, after })) }
    }
  }
}
