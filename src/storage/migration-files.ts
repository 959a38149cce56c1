import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATIONS_DIR } from '../paths.js'

export interface MigrationFile {
  /** NNNN_name, the file name without .up.sql / .down.sql. */
  name: string
  up: string
  down: string | undefined
}

/** The numbered migrations of one engine's folder, in order. */
export function listMigrations(folder: string): MigrationFile[] {
  const dir = join(MIGRATIONS_DIR, folder)
  const files = readdirSync(dir)

  return files
    .filter((file) => file.endsWith('.up.sql'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.up.sql'.length)
      const downFile = `${name}.down.sql`

      return {
        name,
        up: readFileSync(join(dir, file), 'utf8'),
        down: files.includes(downFile)
          ? readFileSync(join(dir, downFile), 'utf8')
          : undefined,
      }
    })
}

export function migrationsDir(folder: string): string {
  return join(MIGRATIONS_DIR, folder)
}
