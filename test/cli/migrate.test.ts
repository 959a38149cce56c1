import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { listMigrations } from '../../src/storage/migration-files.js'
import { PACKAGE_ROOT } from '../../src/paths.js'

const run = promisify(execFile)

describe('doorbell-storage migrate', function () {
  this.timeout(60_000)
  let dir: string
  let config: string

  const cli = async (...args: string[]) => {
    const main = join(PACKAGE_ROOT, 'src/cli/main.ts')
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', main, '--config', config, ...args],
      {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, DOORBELL_STORAGE_LOG_LEVEL: 'warn' },
      },
    )

    return stdout.trim().split('\n')
  }

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'doorbell-cli-'))
    config = join(dir, 'config.yaml')
    writeFileSync(config, `storage:\n  url: ${join(dir, 'db.sqlite')}\n`)
  })

  afterEach(function () {
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists every migration as pending on a new database, then applies them all with up', async function () {
    const names = listMigrations('sqlite').map((m) => m.name)

    expect(await cli('migrate', 'status')).to.deep.equal(
      names.map((n) => `pending  ${n}`),
    )
    expect(await cli('migrate', 'up')).to.deep.equal(names.map((n) => `applied  ${n}`))
    expect(await cli('migrate', 'up')).to.deep.equal(['nothing to do'])
    expect(await cli('migrate', 'status')).to.deep.equal(
      names.map((n) => `applied  ${n}`),
    )
  })

  it('undoes the newest n migrations with down n, newest first', async function () {
    const names = listMigrations('sqlite').map((m) => m.name)
    await cli('migrate', 'up')

    expect(await cli('migrate', 'down', '2')).to.deep.equal(
      names
        .slice(-2)
        .reverse()
        .map((n) => `undone  ${n}`),
    )
    const status = await cli('migrate', 'status')
    expect(status.slice(-2)).to.deep.equal(names.slice(-2).map((n) => `pending  ${n}`))
    expect(status.slice(0, -2)).to.deep.equal(
      names.slice(0, -2).map((n) => `applied  ${n}`),
    )
  })

  it('refuses a count that is not a positive whole number', async function () {
    const failure = await cli('migrate', 'down', 'two').then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )

    expect(failure?.code).to.equal(1)
    expect(failure?.stderr).to.include('expected a positive whole number')
  })
})
