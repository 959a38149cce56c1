import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { PACKAGE_ROOT } from '../../src/paths.js'

const CLI = join(PACKAGE_ROOT, 'src', 'cli', 'main.ts')

export interface ChildExit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The service's CLI in a child process, as an operator would run it. */
export interface ChildService {
  readonly process: ChildProcess
  /** Resolves when the process has exited, whatever the way. */
  readonly exited: Promise<ChildExit>
  output(): string
}

/** Writes settings as the YAML file given to --config; returns its path. */
export function writeConfigFile(
  dir: string,
  settings: unknown,
  name = 'config.yaml',
): string {
  const file = join(dir, name)
  writeFileSync(file, stringify(settings))

  return file
}

/**
 * Runs `doorbell-storage [--config file] <args>` from the sources through tsx,
 * with `env` added to the environment.
 */
export function spawnCli(
  args: string[],
  configFile?: string,
  env: Record<string, string> = {},
): ChildService {
  const config = configFile ? ['--config', configFile] : []
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...config, ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

  return { process: child, exited, output: () => `${stdout}${stderr}` }
}

/** Resolves with the exit, or kills the child and rejects after `timeoutMs`. */
export async function exitWithin(
  child: ChildService,
  timeoutMs: number,
): Promise<ChildExit> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL')
      reject(new Error(`still running after ${timeoutMs} ms:\n${child.output()}`))
    }, timeoutMs)
  })

  return Promise.race([child.exited, timeout]).finally(() => clearTimeout(timer))
}

/** The parent's environment without DOORBELL_STORAGE_* settings that would leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('DOORBELL_STORAGE_'),
  )

  return Object.fromEntries(env)
}
