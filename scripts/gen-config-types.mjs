// Writes src/config/config-types.ts from schemas/config.schema.json, so the
// schema stays the only description of the configuration.
import { readFileSync, writeFileSync } from 'node:fs'
import { compile } from 'json-schema-to-typescript'

const schemaUrl = new URL('../schemas/config.schema.json', import.meta.url)
const targetUrl = new URL('../src/config/config-types.ts', import.meta.url)

export async function renderConfigTypes() {
  const schema = JSON.parse(readFileSync(schemaUrl, 'utf8'))
  const banner = '// Generated from schemas/config.schema.json by `npm run gen:types`.'

  return compile(schema, 'DoorbellStorageConfig', {
    bannerComment: `${banner}\n// Do not edit by hand.`,
    additionalProperties: false,
    style: { semi: false, singleQuote: true, printWidth: 90 },
  })
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(targetUrl, await renderConfigTypes())
}
