import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { AppError, errorMessage } from '../errors.js'
import { DEFAULT_CONFIG_FILE, SCHEMAS_DIR } from '../paths.js'
import { SchemaRegistry, type SchemaProblem } from '../validation/schema-registry.js'
import type { DoorbellStorageConfig } from './config-types.js'
import {
  envNameOf,
  envOverrides,
  settablePath,
  type SchemaNode,
} from './env-overrides.js'

export type Config = DoorbellStorageConfig

const SCHEMA_ID = 'config.schema.json'

/** Raised with every problem found, so one run shows them all. */
export class ConfigError extends AppError {
  readonly problems: string[]

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
  }
}

export interface LoadConfigOptions {
  /** A YAML file layered over config/default.yaml. */
  file?: string
  env?: NodeJS.ProcessEnv
  /** Settings layered over everything else (tests, benchmarks). */
  overrides?: Record<string, unknown>
  /** Skip config/default.yaml and start from the schema's defaults. */
  skipDefaultFile?: boolean
}

/**
 * Layers default.yaml, the --config file and DOORBELL_STORAGE_* variables, then
 * checks the result against schemas/config.schema.json, filling defaults.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const registry = new SchemaRegistry({ useDefaults: true })
  const schema = readSchema()
  const problems: string[] = []
  const layers: unknown[] = []

  if (!options.skipDefaultFile) layers.push(readYaml(DEFAULT_CONFIG_FILE, problems))
  if (options.file) layers.push(readYaml(options.file, problems))

  const env = envOverrides(schema, options.env ?? process.env)
  problems.push(
    ...env.unknown.map((name) => `${name}: no such setting`),
    ...env.unreadable,
  )
  layers.push(env.values, options.overrides ?? {})

  const merged = layers.reduce<Record<string, unknown>>(
    (acc, layer) => deepMerge(acc, layer),
    {},
  )
  const result = registry.validate<Config>(SCHEMA_ID, merged)
  if (!result.ok)
    throw new ConfigError([
      ...problems,
      ...result.problems.map((problem) => describe(schema, problem)),
    ])
  if (problems.length > 0) throw new ConfigError(problems)

  return result.value
}

function readSchema(): SchemaNode {
  const file = join(SCHEMAS_DIR, SCHEMA_ID)

  return JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof envOverrides>[0]
}

function readYaml(file: string, problems: string[]): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8')) ?? {}
  } catch (error) {
    problems.push(`${file}: ${errorMessage(error)}`)
    return {}
  }
}

function describe(schema: SchemaNode, problem: SchemaProblem): string {
  const path = problem.path.split('/').filter(Boolean)
  const variable = envNameOf(settablePath(schema, path))
  const where = path.length > 0 ? `${path.join('.')} (${variable})` : '(root)'

  return `${where} ${problem.message}`
}

function deepMerge(
  base: Record<string, unknown>,
  layer: unknown,
): Record<string, unknown> {
  if (!isPlainObject(layer)) return base
  const out: Record<string, unknown> = { ...base }

  for (const [key, value] of Object.entries(layer)) {
    const current = out[key]
    out[key] =
      isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value
  }

  return out
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
