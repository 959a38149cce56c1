import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { errorCode, errorMessage } from '../../errors.js'
import type { ReadCall, ReadReply } from './read-pool.js'

/** A read-only connection on its own thread: queries never block the main loop. */
const STATEMENT_CACHE_SIZE = 256
const db = new Database(workerData as string, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
const statements = new Map<string, Database.Statement>()
const port = parentPort

function run(call: ReadCall): unknown[] {
  let stmt = statements.get(call.text)
  if (!stmt) {
    if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear()
    stmt = db.prepare(call.text)
    statements.set(call.text, stmt)
  }

  return stmt.all(...call.values)
}

port?.on('message', (call: ReadCall | 'stop') => {
  if (call === 'stop') {
    db.close()
    port.close()
    return
  }

  let reply: ReadReply
  try {
    reply = { id: call.id, rows: run(call) }
  } catch (error) {
    reply = {
      id: call.id,
      error: { message: errorMessage(error), code: errorCode(error) },
    }
  }
  port.postMessage(reply)
})
port?.postMessage('ready')
