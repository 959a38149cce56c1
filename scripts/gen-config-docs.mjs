// Writes docs/configuration.md from schemas/config.schema.json, so the page
// lists exactly the settings, defaults and variables the service accepts.
import { readFileSync, writeFileSync } from 'node:fs'

const schemaUrl = new URL('../schemas/config.schema.json', import.meta.url)
const targetUrl = new URL('../docs/configuration.md', import.meta.url)

const INTRO = `# Configuration

Settings are layered: \`config/default.yaml\`, then the file given with
\`--config\`, then environment variables. The result is checked against
\`schemas/config.schema.json\`; if anything is wrong the service prints every
problem at once and exits non-zero.

Each setting's environment variable is \`DOORBELL_STORAGE_\` followed by its
section and key in upper snake case. A setting that takes text gets the value
exactly as written (a password of digits stays text); other values are read as
YAML, so \`5\`, \`true\`, \`null\` and \`[a, b]\` keep their types.

\`\`\`yaml
# /etc/doorbell-storage.yaml
mqtt:
  url: mqtt://broker.lan:1883
  username: doorbell
  password: secret
storage:
  url: postgres://doorbell:secret@db.lan:5432/doorbell
\`\`\`

This page is generated from the schema by \`npm run gen:docs\`.
`

function envName(path) {
  const snake = path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
  return 'DOORBELL_STORAGE_' + snake.join('_').toUpperCase()
}

function show(value) {
  return value === undefined ? '(none)' : `\`${JSON.stringify(value)}\``
}

export function renderConfigDocs() {
  const schema = JSON.parse(readFileSync(schemaUrl, 'utf8'))
  const parts = [INTRO]

  for (const [section, node] of Object.entries(schema.properties)) {
    parts.push(`\n## ${section}\n`)
    if (node.description) parts.push(`${node.description}\n`)
    parts.push('| setting | default | variable | meaning |')
    parts.push('|---|---|---|---|')
    parts.push(...rows([section], node))
  }

  return parts.join('\n') + '\n'
}

// A nested section (retention.events) lists its own settings, not itself:
// each has its own variable.
function rows(path, node) {
  return Object.entries(node.properties).flatMap(([key, leaf]) => {
    if (leaf.properties) return rows([...path, key], leaf)

    const type = leaf.enum
      ? leaf.enum.map((v) => JSON.stringify(v)).join(' \\| ')
      : leaf.type
    const meaning = [leaf.description, `(${[type].flat().join(' or ')})`].filter(Boolean)
    const name = [...path, key]
    const cells = [
      `\`${name.join('.')}\``,
      show(leaf.default),
      `\`${envName(name)}\``,
      meaning.join(' '),
    ]

    return [`| ${cells.join(' | ')} |`]
  })
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(targetUrl, renderConfigDocs())
}
