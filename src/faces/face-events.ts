/** A search whose nearest person is on the blacklist. */
export interface BlacklistMatch {
  /** Unix seconds. */
  time: number
  personId: number
  name: string
  reason: string | null
  encodingId: number
  distance: number
  confidence: number
  threshold: number
  model: string
  modelVersion: string
  /** Context the search was asked with, passed on for automations. */
  camera: string | null
  eventId: string | null
}

/** What the face directory announces. */
export interface FaceEventMap {
  blacklistMatch: BlacklistMatch
}

type Listener<T> = (event: T) => void

/**
 * A small typed event emitter: the directory announces, the composition root
 * listens and publishes, so nothing in src/faces touches MQTT.
 */
export class FaceEvents {
  readonly #listeners = new Map<keyof FaceEventMap, Set<Listener<never>>>()

  /** Returns a function that removes the listener. */
  on<K extends keyof FaceEventMap>(
    name: K,
    listener: Listener<FaceEventMap[K]>,
  ): () => void {
    let set = this.#listeners.get(name)
    if (!set) {
      set = new Set()
      this.#listeners.set(name, set)
    }
    set.add(listener)

    return () => set.delete(listener)
  }

  emit<K extends keyof FaceEventMap>(name: K, event: FaceEventMap[K]): void {
    const set = this.#listeners.get(name) as Set<Listener<FaceEventMap[K]>> | undefined

    for (const listener of set ?? []) listener(event)
  }
}
