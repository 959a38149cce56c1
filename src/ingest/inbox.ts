import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { StartupError, errorMessage } from '../errors.js'

/** A stored message: a valid payload of a stream, or a dead letter. */
export interface InboxEntry {
  seq: number
  /** A stream kind, or 'dead' for a payload that failed before its stream. */
  kind: string
  topic: string
  payload: Buffer
  /** Size as received; the payload of a dead letter may be truncated. */
  size: number
  reason: string | null
  receivedAt: number
}

export type NewInboxEntry = Omit<InboxEntry, 'seq'>

// Parsed messages handed to the applier in memory, so a fresh message is not
// parsed twice; past this many, the applier parses from the stored payload.
const MAX_PARSED = 5000

/**
 * The durable local inbox: every accepted message is appended here before the
 * broker gets its PUBACK, and removed once the database holds what it wrote.
 * A local SQLite file in WAL mode survives a crash of the process.
 */
export class Inbox {
  readonly #path: string
  #db: Database.Database | undefined
  #insert: Database.Statement | undefined
  #select: Database.Statement | undefined
  #remove: ((seq: number) => number) | undefined
  #id = ''
  #pending = 0
  #nextSeq = 1
  readonly #parsed = new Map<number, unknown>()

  constructor(path: string) {
    this.#path = path
  }

  /** Identifies this inbox in the database's ingest_offsets. */
  get id(): string {
    return this.#id
  }

  get pending(): number {
    return this.#pending
  }

  start(): void {
    try {
      if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true })
      this.#db = new Database(this.#path)
    } catch (error) {
      throw new StartupError(
        'INBOX_UNAVAILABLE',
        `cannot open the inbox ${this.#path}: ${errorMessage(error)}`,
        'check ingest.inboxPath and that its folder is writable',
        { cause: error },
      )
    }

    const db = this.#db
    // One connection owns the inbox: exclusive locking spares WAL's shared-memory
    // locks on every append (about a quarter of its cost here).
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('journal_mode = WAL')
    // NORMAL: a commit reaches the WAL file before append() returns, so it
    // survives the process dying; only a power cut can take the last ones.
    db.pragma('synchronous = NORMAL')
    db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS inbox (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        size INTEGER NOT NULL,
        reason TEXT,
        received_at REAL NOT NULL)`)
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('inbox_id', ?)`).run(
      randomUUID(),
    )

    const meta = db.prepare(`SELECT value FROM meta WHERE key = 'inbox_id'`).get() as {
      value: string
    }
    this.#id = meta.value
    const counts = db
      .prepare('SELECT count(*) AS n, max(seq) AS last FROM inbox')
      .get() as {
      n: number
      last: number | null
    }
    const removed = db
      .prepare(`SELECT value FROM meta WHERE key = 'removed_through'`)
      .get() as { value: string } | undefined
    this.#pending = counts.n
    this.#nextSeq = Math.max(counts.last ?? 0, Number(removed?.value ?? 0)) + 1
    this.#insert = db.prepare(`INSERT INTO inbox
      (seq, kind, topic, payload, size, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    this.#select = db.prepare(`SELECT seq, kind, topic, payload, size, reason,
      received_at AS receivedAt FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?`)
    const deleteRows = db.prepare('DELETE FROM inbox WHERE seq <= ?')
    const mark = db.prepare(`INSERT INTO meta (key, value) VALUES ('removed_through', ?)
      ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)`)
    this.#remove = db.transaction((seq: number) => {
      mark.run(seq)
      return deleteRows.run(seq).changes
    })
  }

  /**
   * Forgets what the database already holds and continues numbering after
   * it. Sequence numbers are assigned here rather than by AUTOINCREMENT, which
   * costs a page write per append; they never repeat one already removed.
   */
  resume(appliedThrough: number): void {
    this.removeThrough(appliedThrough)
    this.#nextSeq = Math.max(this.#nextSeq, appliedThrough + 1)
  }

  /** Appends durably; `message` is the parsed payload, kept for the applier. */
  append(entry: NewInboxEntry, message?: unknown): number {
    if (!this.#insert) throw new Error('inbox is not started')
    const { kind, topic, payload, size, reason, receivedAt } = entry
    const seq = this.#nextSeq

    this.#insert.run(seq, kind, topic, payload, size, reason, receivedAt)
    this.#nextSeq++
    this.#pending++
    if (message !== undefined && this.#parsed.size < MAX_PARSED)
      this.#parsed.set(seq, message)

    return seq
  }

  /** The parsed message of a fresh entry, if it is still held in memory. */
  parsed(seq: number): unknown {
    return this.#parsed.get(seq)
  }

  /** Oldest entries after `afterSeq`, at most `limit`. */
  read(afterSeq: number, limit: number): InboxEntry[] {
    return this.#statement(this.#select).all(afterSeq, limit) as InboxEntry[]
  }

  /** Forgets every entry up to and including `seq`: the database has them. */
  removeThrough(seq: number): void {
    if (!this.#remove) throw new Error('inbox is not started')
    this.#pending -= this.#remove(seq)
    for (const held of this.#parsed.keys()) {
      if (held > seq) break
      this.#parsed.delete(held)
    }
  }

  stop(): void {
    this.#parsed.clear()
    this.#db?.close()
    this.#db = undefined
    this.#insert = undefined
    this.#select = undefined
    this.#remove = undefined
  }

  #statement(statement: Database.Statement | undefined): Database.Statement {
    if (!statement || !this.#db) throw new Error('inbox is not started')
    return statement
  }
}
