import type { Worker } from 'node:worker_threads'
import { AppError } from '../errors.js'
import type { StorageSettings } from '../storage/open-engine.js'
import type { PruneRequest } from '../storage/repositories/retention-repository.js'
import type { RepositorySettings } from '../storage/repositories/repositories.js'
import { siblingModule, startWorker } from '../workers/start-worker.js'
import type { BatchWriter, WriteRequest } from './batch-writer.js'

export type WriterCall = { id: number } & (
  | { op: 'write'; request: Omit<WriteRequest, 'parsed'> }
  | { op: 'prune'; request: PruneRequest }
  | { op: 'appliedThrough'; inboxId: string }
  | { op: 'ping' }
  | { op: 'stop' }
)

export type WriterReply =
  | { id: number; value: unknown }
  | { id: number; error: { message: string; code?: string } }

/** What the writer thread starts with: the storage settings and the stores'. */
export type WriterThreadData = StorageSettings & { repositories?: RepositorySettings }

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

/**
 * Writes batches on a worker thread with its own database connection. For
 * engines whose driver blocks (SQLite), this keeps the database's work off
 * the thread that reads MQTT and appends to the inbox, so the two overlap.
 */
export class WorkerBatchWriter implements BatchWriter {
  readonly #settings: WriterThreadData
  readonly #pending = new Map<number, Pending>()
  #worker: Worker | undefined
  #starting: Promise<void> | undefined
  #stopped = false
  #nextId = 1

  constructor(settings: StorageSettings, repositories?: RepositorySettings) {
    this.#settings = { ...settings, repositories }
  }

  async start(): Promise<void> {
    this.#stopped = false
    this.#starting ??= this.#spawn().finally(() => (this.#starting = undefined))
    await this.#starting
  }

  async #spawn(): Promise<void> {
    const worker = startWorker(
      siblingModule(import.meta.url, 'writer-thread'),
      this.#settings,
    )

    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        worker.off('error', reject)
        if (message === 'ready') return resolve()
        reject(new AppError('WRITER_FAILED', (message as { error: Error }).error.message))
      }
      worker.once('message', onMessage)
      worker.once('error', reject)
    })

    worker.on('message', (reply: WriterReply) => this.#settle(reply))
    worker.on('error', (error) => this.#failAll(error))
    worker.on('exit', () => this.#failAll(new Error('writer thread exited')))
    this.#worker = worker
  }

  async write(request: WriteRequest): Promise<void> {
    // Functions do not cross threads; the writer thread parses payloads itself.
    const plain = { ...request, parsed: undefined }
    await this.#call({ op: 'write', request: plain })
  }

  async prune(request: PruneRequest): Promise<number> {
    return (await this.#call({ op: 'prune', request })) as number
  }

  async appliedThrough(inboxId: string): Promise<number> {
    return (await this.#call({ op: 'appliedThrough', inboxId })) as number
  }

  async ping(): Promise<void> {
    await this.#call({ op: 'ping' })
  }

  async stop(): Promise<void> {
    const worker = this.#worker
    this.#stopped = true
    if (!worker) return

    await this.#call({ op: 'stop' }).catch(() => undefined)
    this.#worker = undefined
    await worker.terminate()
  }

  /** A thread that died (it should not) is started again on the next call. */
  async #call(
    call: { op: WriterCall['op'] } & Record<string, unknown>,
  ): Promise<unknown> {
    if (!this.#worker && !this.#stopped) await this.start()
    const worker = this.#worker
    if (!worker) throw new AppError('WRITER_FAILED', 'writer thread is not running')
    const id = this.#nextId++

    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ ...call, id })
    })
  }

  #settle(reply: WriterReply): void {
    const pending = this.#pending.get(reply.id)
    if (!pending) return
    this.#pending.delete(reply.id)

    if ('error' in reply) {
      pending.reject(
        new AppError(reply.error.code ?? 'WRITER_FAILED', reply.error.message),
      )
    } else {
      pending.resolve(reply.value)
    }
  }

  #failAll(error: Error): void {
    this.#worker = undefined
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }
}
