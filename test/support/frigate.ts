/** Frigate-shaped messages for tests and benchmarks. */
export interface TrackedObjectOverrides {
  [key: string]: unknown
}

export function trackedObject(id: string, overrides: TrackedObjectOverrides = {}) {
  const start = 1_718_987_128.9

  return {
    id,
    camera: 'front_door',
    label: 'person',
    frame_time: start + 0.2,
    start_time: start,
    end_time: null,
    sub_label: null,
    top_score: 0.8,
    score: 0.78,
    false_positive: false,
    box: [10, 20, 110, 220],
    region: [0, 0, 320, 320],
    area: 20000,
    ratio: 0.5,
    stationary: false,
    motionless_count: 0,
    position_changes: 1,
    current_zones: [],
    entered_zones: [],
    has_clip: false,
    has_snapshot: false,
    attributes: {},
    current_attributes: [],
    ...overrides,
  }
}

export function frigateMessage(
  type: 'new' | 'update' | 'end',
  id: string,
  overrides: TrackedObjectOverrides = {},
) {
  return { type, before: null, after: trackedObject(id, overrides) }
}
