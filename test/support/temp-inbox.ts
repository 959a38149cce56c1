import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Inbox } from '../../src/ingest/inbox.js'

/** A started inbox on a file in a fresh temp folder; `reopen` simulates a restart. */
export interface TempInbox {
  path: string
  inbox: Inbox
  reopen(): Inbox
  remove(): void
}

export function createTempInbox(): TempInbox {
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-inbox-test-'))
  const path = join(dir, 'inbox.db')
  const temp: TempInbox = {
    path,
    inbox: new Inbox(path),
    reopen: () => {
      temp.inbox.stop()
      temp.inbox = new Inbox(path)
      temp.inbox.start()
      return temp.inbox
    },
    remove: () => {
      temp.inbox.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  temp.inbox.start()

  return temp
}
