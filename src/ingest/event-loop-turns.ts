/**
 * Gives the event loop a turn now and then during a run of synchronous work.
 * MQTT.js hands over the messages of a socket read one after another through
 * process.nextTick, and each inbox append is synchronous, so a backlog of
 * ingest messages held the thread for tens of milliseconds at a time (event
 * loop delay p99 ~30 ms at full ingest), while requests, the reader threads'
 * answers and timers waited.
 */
export class EventLoopTurns {
  readonly #sliceMs: number
  #sliceStart = 0
  #inSlice = false

  constructor(sliceMs: number) {
    this.#sliceMs = sliceMs
  }

  /** Undefined while the current slice lasts; else resolves after a turn. */
  next(): Promise<void> | undefined {
    const now = performance.now()
    if (!this.#inSlice) {
      // The slice ends when the loop reaches its check phase on its own.
      this.#inSlice = true
      this.#sliceStart = now
      setImmediate(() => (this.#inSlice = false))
    }
    if (now - this.#sliceStart < this.#sliceMs) return undefined

    return new Promise((resolve) => setImmediate(resolve))
  }
}
