import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { PACKAGE_ROOT, SCHEMAS_DIR } from '../../src/paths.js'
// @ts-expect-error -- a plain .mjs build script without type declarations
import { renderConfigDocs } from '../../scripts/gen-config-docs.mjs'

const OPS = [
  'health',
  'events/query',
  'events/get',
  'events/stats',
  'events/summary',
  'reviews/query',
  'deadletters/query',
  'faces/enroll',
  'faces/update',
  'faces/remove',
  'faces/get',
  'faces/list',
  'faces/search',
]

// Parts that several responses refer to, not ops of their own.
const SHARED_RESPONSE_SCHEMAS = [
  'envelope.schema.json',
  'event.schema.json',
  'review.schema.json',
]

function read(path: string): string {
  return readFileSync(join(PACKAGE_ROOT, path), 'utf8')
}

describe('documentation', function () {
  it('lists every setting of the schema in docs/configuration.md when regenerated', function () {
    const rendered = (renderConfigDocs as () => string)()

    expect(read('docs/configuration.md')).to.equal(rendered, 'run npm run gen:docs')
  })

  it('documents every request op in the README and in docs/requests.md', function () {
    const readme = read('README.md')
    const requests = read('docs/requests.md')

    for (const op of OPS) {
      expect(readme, op).to.include(`\`${op}\``)
      expect(requests, op).to.include(op)
    }
  })

  it('has a request and a response schema for every op, and no schema without an op', function () {
    const files = (dir: string) => readdirSync(join(SCHEMAS_DIR, dir)).sort()
    const expected = OPS.map((op) => `${op.replaceAll('/', '-')}.schema.json`).sort()

    expect(files('request')).to.deep.equal(expected)
    expect(
      files('response').filter((f) => !SHARED_RESPONSE_SCHEMAS.includes(f)),
    ).to.deep.equal(expected)
  })
})
