#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander'
import { App } from '../app/app.js'
import { ConfigError, loadConfig, type Config } from '../config/load-config.js'
import { StartupError, errorMessage } from '../errors.js'
import { createLogger } from '../log/logger.js'
import { openEngine } from '../storage/open-engine.js'

const program = new Command('doorbell-storage')
  .description(
    'Storage for a Frigate-style doorbell: MQTT in, SQLite or PostgreSQL underneath.',
  )
  .option('-c, --config <file>', 'YAML file layered over config/default.yaml')

program
  .command('start')
  .description('run the service (migrates the database up first)')
  .action(async () => {
    const config = readConfig()
    const logger = createLogger(config.log.level)
    const app = new App({ config, logger })

    await app.start()
    let stopping = false
    const stop = (signal: string): void => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'stopping')
      app.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  })

program
  .command('migrate')
  .description('apply or undo database migrations')
  .argument('<action>', 'up, down or status', parseAction)
  .argument('[count]', 'migrations to undo with down', parseCount, 1)
  .action(async (action: 'up' | 'down' | 'status', count: number) => {
    const engine = openEngine(readConfig().storage)
    await engine.start()

    try {
      if (action === 'status') {
        for (const m of await engine.migrator.status()) {
          console.log(`${m.applied ? 'applied' : 'pending'}  ${m.name}`)
        }
      } else {
        const result =
          action === 'up' ? await engine.migrator.up() : await engine.migrator.down(count)
        const verb = action === 'up' ? 'applied' : 'undone'
        console.log(
          result.ran.length
            ? result.ran.map((n) => `${verb}  ${n}`).join('\n')
            : 'nothing to do',
        )
      }
    } finally {
      await engine.stop()
    }
  })

function readConfig(): Config {
  return loadConfig({ file: program.opts<{ config?: string }>().config })
}

function parseAction(value: string): 'up' | 'down' | 'status' {
  if (value === 'up' || value === 'down' || value === 'status') return value
  throw new InvalidArgumentError('expected up, down or status')
}

function parseCount(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number')

  return n
}

/** Startup problems end in one line that says what and how to fix it. */
function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`doorbell-storage: ${error.message}`)
  } else if (error instanceof StartupError) {
    console.error(`doorbell-storage: ${error.message}; ${error.hint}`)
  } else {
    console.error(`doorbell-storage: ${errorMessage(error)}`)
  }
  process.exit(1)
}

program.parseAsync().catch(fail)
