import type { Worker } from 'node:worker_threads'
import { AppError } from '../../errors.js'
import { siblingModule, startWorker } from '../../workers/start-worker.js'

export interface ReadCall {
  id: number
  text: string
  values: unknown[]
}

export type ReadReply =
  | { id: number; rows: unknown[] }
  | { id: number; error: { message: string; code?: string } }

interface Reader {
  worker: Worker
  busy: number
}

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }

/**
 * Reader threads, each with its own read-only connection under WAL, so a slow
 * query neither stalls ingest on the main thread nor other queries. Each call
 * goes to the reader with the fewest calls in flight.
 */
export class ReadPool {
  readonly #path: string
  readonly #size: number
  readonly #readers: Reader[] = []
  readonly #pending = new Map<number, Pending>()
  #nextId = 1

  constructor(path: string, size: number) {
    this.#path = path
    this.#size = size
  }

  async start(): Promise<void> {
    const url = siblingModule(import.meta.url, 'reader-thread')

    for (let i = 0; i < this.#size; i++) {
      const worker = startWorker(url, this.#path)
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve())
        worker.once('error', reject)
      })
      const reader = { worker, busy: 0 }
      worker.on('message', (reply: ReadReply) => this.#settle(reader, reply))
      worker.on('error', (error) => this.#failAll(error))
      worker.on('exit', () =>
        this.#readers.splice(this.#readers.indexOf(reader) >>> 0, 1),
      )
      this.#readers.push(reader)
    }
  }

  query(text: string, values: unknown[]): Promise<unknown[]> {
    const reader = this.#leastBusy()
    if (!reader)
      return Promise.reject(new AppError('STORAGE_STOPPED', 'read pool is stopped'))
    const id = this.#nextId++
    reader.busy++

    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      reader.worker.postMessage({ id, text, values } satisfies ReadCall)
    })
  }

  async stop(): Promise<void> {
    const readers = this.#readers.splice(0)
    this.#failAll(new AppError('STORAGE_STOPPED', 'read pool stopped'))

    await Promise.all(
      readers.map(async ({ worker }) => {
        worker.postMessage('stop')
        await worker.terminate()
      }),
    )
  }

  #leastBusy(): Reader | undefined {
    let best: Reader | undefined
    for (const reader of this.#readers) {
      if (!best || reader.busy < best.busy) best = reader
    }

    return best
  }

  #settle(reader: Reader, reply: ReadReply): void {
    const pending = this.#pending.get(reply.id)
    if (!pending) return
    this.#pending.delete(reply.id)
    reader.busy--

    if ('error' in reply) {
      pending.reject(
        new AppError(reply.error.code ?? 'SQLITE_ERROR', reply.error.message),
      )
    } else {
      pending.resolve(reply.rows)
    }
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }
}
