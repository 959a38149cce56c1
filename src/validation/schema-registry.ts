import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { SCHEMAS_DIR } from '../paths.js'

// ajv-formats ships CommonJS with a default export property.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

export interface SchemaProblem {
  /** Where in the document, as a JSON pointer ('' for the root). */
  path: string
  message: string
}

export type Validation<T> =
  { ok: true; value: T } | { ok: false; problems: SchemaProblem[] }

/**
 * Every JSON Schema under schemas/, compiled once. Schemas are named by their
 * path below schemas/, which is also their $id (e.g. 'ingest/event.schema.json').
 */
export class SchemaRegistry {
  readonly #ajv: Ajv
  readonly #compiled = new Map<string, ValidateFunction>()

  constructor(options: Options = {}, dir = SCHEMAS_DIR) {
    this.#ajv = new Ajv({ allErrors: true, strict: false, ...options })
    addFormats(this.#ajv)

    for (const file of listSchemaFiles(dir)) {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as object
      this.#ajv.addSchema(schema)
    }
  }

  has(id: string): boolean {
    return this.#ajv.getSchema(id) !== undefined
  }

  validate<T>(id: string, value: unknown): Validation<T> {
    const check = this.#validator(id)

    if (check(value)) return { ok: true, value: value as T }

    return { ok: false, problems: (check.errors ?? []).map(toProblem) }
  }

  #validator(id: string): ValidateFunction {
    let check = this.#compiled.get(id)
    if (check) return check

    check = this.#ajv.getSchema(id)
    if (!check) throw new Error(`no schema with id ${id}`)
    this.#compiled.set(id, check)

    return check
  }
}

export function listSchemaFiles(dir = SCHEMAS_DIR): string[] {
  const files: string[] = []

  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.schema.json')) {
      files.push(join(entry.parentPath, entry.name))
    }
  }

  return files.sort()
}

export function schemaIdOf(file: string, dir = SCHEMAS_DIR): string {
  return relative(dir, file).split(sep).join('/')
}

function toProblem(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>
  let path = error.instancePath

  if (error.keyword === 'required') {
    return { path: `${path}/${String(params.missingProperty)}`, message: 'is required' }
  }
  if (error.keyword === 'additionalProperties') {
    path += `/${String(params.additionalProperty)}`
    return { path, message: 'is not a known field' }
  }

  return { path, message: error.message ?? error.keyword }
}

/** One line for people: "/after/camera must be string; /type is required". */
export function describeProblems(problems: SchemaProblem[]): string {
  return problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')
}
