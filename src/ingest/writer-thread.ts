import { parentPort, workerData } from 'node:worker_threads'
import { errorCode, errorMessage } from '../errors.js'
import { openEngine } from '../storage/open-engine.js'
import { createRepositories } from '../storage/repositories/repositories.js'
import { DirectBatchWriter } from './batch-writer.js'
import type { WriterCall, WriterReply, WriterThreadData } from './worker-batch-writer.js'

/** The writer thread: a DirectBatchWriter on its own connection to the database. */
const { repositories, ...settings } = workerData as WriterThreadData
// The writer only writes: no reader threads of its own.
const engine = openEngine({ ...settings, readThreads: 0 })
const writer = new DirectBatchWriter(engine, createRepositories(engine, repositories))
const port = parentPort

async function handle(call: WriterCall): Promise<unknown> {
  switch (call.op) {
    case 'write':
      return writer.write({
        ...call.request,
        entries: call.request.entries.map((entry) => ({
          ...entry,
          // Buffers arrive as plain Uint8Arrays after the structured clone.
          payload: Buffer.from(
            entry.payload.buffer,
            entry.payload.byteOffset,
            entry.payload.length,
          ),
        })),
      })
    case 'prune':
      return writer.prune(call.request)
    case 'appliedThrough':
      return writer.appliedThrough(call.inboxId)
    case 'ping':
      return writer.ping()
    case 'stop':
      return engine.stop()
  }
}

port?.on('message', (call: WriterCall) => {
  handle(call).then(
    (value) => port.postMessage({ id: call.id, value } satisfies WriterReply),
    (error: unknown) => {
      const failure = { message: errorMessage(error), code: errorCode(error) }
      port.postMessage({ id: call.id, error: failure } satisfies WriterReply)
    },
  )
})

engine.start().then(
  () => {
    port?.postMessage('ready')
    // After 'ready': the first statistics pass may take seconds on a large
    // database; batches wait in this thread's queue meanwhile, not startup.
    engine.startMaintenance?.()
  },
  (error: unknown) =>
    port?.postMessage({ id: 0, error: { message: errorMessage(error) } }),
)
