import type { Engine } from './engine.js'
import { PostgresEngine } from './postgres/engine.js'
import { SqliteEngine } from './sqlite/engine.js'

export interface StorageSettings {
  url: string
  poolSize: number
  schema: string
  /** SQLite only: reader threads for queries (0: read on the calling thread). */
  readThreads?: number
}

/** The one place that turns storage.url into an engine. */
export function openEngine(settings: StorageSettings): Engine {
  const { url } = settings

  if (/^postgres(ql)?:\/\//.test(url)) {
    return new PostgresEngine({
      url,
      poolSize: settings.poolSize,
      schema: settings.schema,
    })
  }

  return new SqliteEngine({
    path: url.replace(/^sqlite:(\/\/)?/, ''),
    readThreads: settings.readThreads,
  })
}
