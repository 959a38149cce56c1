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

/**
 * The durable local inbox: every accepted message is appended here before the
 * broker gets its PUBACK, and removed once the database holds what it wrote.
 * A local SQLite file in WAL mode survives a crash of the process.
 */
export class Inbox {
  readonly #path: string
  #db: Database.Database | undefined
  #insert: Database.Statement | undefined
  #id = ''
  #pending = 0

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
    db.pragma('journal_mode = WAL')
    // NORMAL: a commit reaches the WAL file before append() returns, so it
    // survives the process dying; only a power cut can take the last ones.
    db.pragma('synchronous = NORMAL')
    db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        size INTEGER NOT NULL,
        reason TEXT,
        received_at REAL NOT NULL)`)
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('inbox_id', ?)`).run(randomUUID())

    const meta = db.prepare(`SELECT value FROM meta WHERE key = 'inbox_id'`).get() as {
      value: string
    }
    this.#id = meta.value
    this.#pending = (db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n
    this.#insert = db.prepare(`INSERT INTO inbox (kind, topic, payload, size, reason, received_at)
      VALUES (?, ?, ?, ?, ?, ?)`)
  }

  append(entry: NewInboxEntry): number {
    if (!this.#insert) throw new Error('inbox is not started')
    const { kind, topic, payload, size, reason, receivedAt } = entry
    const result = this.#insert.run(kind, topic, payload, size, reason, receivedAt)
    this.#pending++

    return Number(result.lastInsertRowid)
  }

  /** Oldest entries after `afterSeq`, at most `limit`. */
  read(afterSeq: number, limit: number): InboxEntry[] {
    const rows = this.#connection()
      .prepare(`SELECT seq, kind, topic, payload, size, reason, received_at AS receivedAt
        FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?`)
      .all(afterSeq, limit)

    return rows as InboxEntry[]
  }

  /** Forgets every entry up to and including `seq`: the database has them. */
  removeThrough(seq: number): void {
    const result = this.#connection().prepare('DELETE FROM inbox WHERE seq <= ?').run(seq)
    this.#pending -= result.changes
  }

  stop(): void {
    this.#db?.close()
    this.#db = undefined
    this.#insert = undefined
  }

  #connection(): Database.Database {
    if (!this.#db) throw new Error('inbox is not started')
    return this.#db
  }
}
