import { parse as parseYaml } from 'yaml'

export const ENV_PREFIX = 'DOORBELL_STORAGE_'

interface SchemaNode {
  type?: string | string[]
  properties?: Record<string, SchemaNode>
}

export interface EnvOverrides {
  values: Record<string, unknown>
  /** Variables with the prefix that name no setting. */
  unknown: string[]
}

/**
 * Maps DOORBELL_STORAGE_<SECTION>_<KEY> variables onto the settings the schema
 * knows, e.g. DOORBELL_STORAGE_MQTT_BASE_TOPIC to mqtt.baseTopic. Values are
 * read as YAML scalars, so numbers, booleans, null and [lists] keep their type.
 */
export function envOverrides(schema: SchemaNode, env: NodeJS.ProcessEnv): EnvOverrides {
  const names = new Map<string, string[]>()
  collectLeaves(schema, [], names)

  const values: Record<string, unknown> = {}
  const unknown: string[] = []

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue
    const path = names.get(name)
    if (!path) {
      unknown.push(name)
      continue
    }
    setPath(values, path, parseYaml(raw) as unknown)
  }

  return { values, unknown }
}

export function envNameOf(path: string[]): string {
  const snake = path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))

  return ENV_PREFIX + snake.join('_').toUpperCase()
}

function collectLeaves(node: SchemaNode, path: string[], out: Map<string, string[]>): void {
  if (!node.properties) {
    out.set(envNameOf(path), path)
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
