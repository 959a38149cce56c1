import { parse as parseYaml } from 'yaml'

export const ENV_PREFIX = 'DOORBELL_STORAGE_'

export interface SchemaNode {
  type?: string | string[]
  properties?: Record<string, SchemaNode>
}

export interface EnvOverrides {
  values: Record<string, unknown>
  /** Variables with the prefix that name no setting. */
  unknown: string[]
  /** `NAME: why` for values that cannot be read. */
  unreadable: string[]
}

interface Leaf {
  path: string[]
  node: SchemaNode
}

/**
 * Maps DOORBELL_STORAGE_<SECTION>_<KEY> variables onto the settings the schema
 * knows, e.g. DOORBELL_STORAGE_MQTT_BASE_TOPIC to mqtt.baseTopic. A setting
 * that takes a string gets the text as written, so a password of digits or
 * with ` #` survives; other values are read as YAML, so numbers, booleans,
 * null and [lists] keep their type.
 */
export function envOverrides(schema: SchemaNode, env: NodeJS.ProcessEnv): EnvOverrides {
  const leaves = new Map<string, Leaf>()
  collectLeaves(schema, [], leaves)

  const values: Record<string, unknown> = {}
  const unknown: string[] = []
  const unreadable: string[] = []

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue
    const leaf = leaves.get(name)
    if (!leaf) {
      unknown.push(name)
      continue
    }
    try {
      setPath(values, leaf.path, readValue(raw, leaf.node))
    } catch (error) {
      unreadable.push(`${name}: ${(error as Error).message.split('\n')[0] ?? ''}`)
    }
  }

  return { values, unknown, unreadable }
}

const YAML_NULLS = ['', '~', 'null', 'Null', 'NULL']

function readValue(raw: string, node: SchemaNode): unknown {
  const types = node.type === undefined ? [] : [node.type].flat()

  if (types.includes('string')) {
    return types.includes('null') && YAML_NULLS.includes(raw) ? null : raw
  }

  return parseYaml(raw) as unknown
}

/**
 * The part of a setting's path that one variable sets: inside a list or a
 * map (retention.events.cameras.garden) the variable is the list's or map's.
 */
export function settablePath(schema: SchemaNode, path: readonly string[]): string[] {
  let node = schema

  for (const [i, key] of path.entries()) {
    const child = node.properties?.[key]
    if (!node.properties || !child) return path.slice(0, node.properties ? i + 1 : i)
    node = child
  }

  return [...path]
}

export function envNameOf(path: string[]): string {
  const snake = path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))

  return ENV_PREFIX + snake.join('_').toUpperCase()
}

function collectLeaves(node: SchemaNode, path: string[], out: Map<string, Leaf>): void {
  if (!node.properties) {
    out.set(envNameOf(path), { path, node })
    return
  }

  for (const [key, child] of Object.entries(node.properties)) {
    collectLeaves(child, [...path, key], out)
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target

  for (const key of path.slice(0, -1)) {
    const next = node[key]
    node[key] = typeof next === 'object' && next !== null ? next : {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1] ?? ''] = value
}
