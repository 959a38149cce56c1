import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parse as parseYaml } from 'yaml'
import {
  ConfigError,
  loadConfig,
  type LoadConfigOptions,
} from '../../src/config/load-config.js'
import { DEFAULT_CONFIG_FILE, PACKAGE_ROOT } from '../../src/paths.js'

/** The problems loadConfig reports; fails when it accepts the options. */
function problemsOf(options: LoadConfigOptions): string[] {
  try {
    loadConfig(options)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }

  throw new Error('expected a ConfigError, but the configuration was accepted')
}

describe('loadConfig', () => {
  let dir = ''

  const writeConfig = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorbell-config-test-'))
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  describe('defaults', () => {
    it('gives the same settings from the schema alone as from config/default.yaml', () => {
      const fromFile = loadConfig({ env: {} })
      const fromSchema = loadConfig({ env: {}, skipDefaultFile: true })

      expect(fromFile).to.deep.equal(fromSchema)
    })

    it('lists every defaulted setting in config/default.yaml with its default', () => {
      const written = parseYaml(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as unknown

      expect(written).to.deep.equal(loadConfig({ env: {}, skipDefaultFile: true }))
    })

    it('reads nothing from process.env when env is given', () => {
      process.env.DOORBELL_STORAGE_API_MAX_LIMIT = '7'
      try {
        expect(loadConfig({ env: {} }).api.maxLimit).to.equal(500)
        expect(loadConfig().api.maxLimit).to.equal(7)
      } finally {
        delete process.env.DOORBELL_STORAGE_API_MAX_LIMIT
      }
    })
  })

  describe('layers', () => {
    it('layers a config file over the defaults, key by key', () => {
      const file = writeConfig(
        'site.yaml',
        'mqtt:\n  baseTopic: house\nstorage:\n  poolSize: 3\n',
      )

      const config = loadConfig({ file, env: {} })

      expect(config.mqtt.baseTopic).to.equal('house')
      expect(config.mqtt.clientId).to.equal('doorbell-storage')
      expect(config.storage).to.deep.equal({
        url: './data/doorbell-storage.db',
        schema: 'public',
        readThreads: 1,
        poolSize: 3,
      })
    })

    it('layers env over the file and overrides over env', () => {
      const file = writeConfig('site.yaml', 'api:\n  defaultLimit: 10\n  maxLimit: 20\n')
      const env = {
        DOORBELL_STORAGE_API_MAX_LIMIT: '30',
        DOORBELL_STORAGE_LOG_LEVEL: 'warn',
      }

      const config = loadConfig({ file, env, overrides: { log: { level: 'silent' } } })

      expect(config.api).to.deep.equal({ defaultLimit: 10, maxLimit: 30 })
      expect(config.log.level).to.equal('silent')
    })

    it('replaces a list from a lower layer instead of merging it', () => {
      const file = writeConfig('site.yaml', 'mqtt:\n  responseTopicPrefixes: [a/, b/]\n')
      const env = { DOORBELL_STORAGE_MQTT_RESPONSE_TOPIC_PREFIXES: '[c/]' }

      expect(loadConfig({ file, env }).mqtt.responseTopicPrefixes).to.deep.equal(['c/'])
    })
  })

  describe('environment variables', () => {
    it('reads numbers, booleans, null and lists with their types', () => {
      const file = writeConfig('site.yaml', 'mqtt:\n  url: mqtt://broker:1883\n')
      const env = {
        DOORBELL_STORAGE_INGEST_BATCH_SIZE: '250',
        DOORBELL_STORAGE_MQTT_PROTOCOL_VERSION: '4',
        DOORBELL_STORAGE_MQTT_WATCH_BROKER_DROPS: 'false',
        DOORBELL_STORAGE_MQTT_URL: 'null',
        DOORBELL_STORAGE_MQTT_RESPONSE_TOPIC_PREFIXES: '[replies/, "apps/doorbell/"]',
      }

      const { mqtt, ingest } = loadConfig({ file, env })

      expect(ingest.batchSize).to.equal(250)
      expect(mqtt.protocolVersion).to.equal(4)
      expect(mqtt.watchBrokerDrops).to.equal(false)
      expect(mqtt.url).to.equal(null)
      expect(mqtt.responseTopicPrefixes).to.deep.equal(['replies/', 'apps/doorbell/'])
    })

    it('keeps the value of a string setting as written', () => {
      const env = {
        DOORBELL_STORAGE_MQTT_PASSWORD: '123456',
        DOORBELL_STORAGE_MQTT_USERNAME: 'door #1',
        DOORBELL_STORAGE_MQTT_CLIENT_ID: 'true',
        DOORBELL_STORAGE_MQTT_URL: 'mqtts://user:[p@ss]@broker:8883',
        DOORBELL_STORAGE_STORAGE_URL: 'postgres://u:p@db:5432/doorbell',
      }

      const { mqtt, storage } = loadConfig({ env })

      expect(mqtt).to.include({
        password: '123456',
        username: 'door #1',
        clientId: 'true',
        url: 'mqtts://user:[p@ss]@broker:8883',
      })
      expect(storage.url).to.equal('postgres://u:p@db:5432/doorbell')
    })

    it('reports a variable with the prefix that names no setting', () => {
      const problems = problemsOf({ env: { DOORBELL_STORAGE_MQTT_HOST: 'broker' } })

      expect(problems).to.deep.equal(['DOORBELL_STORAGE_MQTT_HOST: no such setting'])
    })

    it('ignores variables without the prefix', () => {
      const env = { DOORBELL_MQTT_HOST: 'x', PATH: '/bin', MQTT_URL: 'mqtt://x' }

      expect(loadConfig({ env })).to.deep.equal(loadConfig({ env: {} }))
    })

    it('reports a value that cannot be read as a problem, not a crash', () => {
      const problems = problemsOf({ env: { DOORBELL_STORAGE_INGEST_BATCH_SIZE: '[1' } })

      expect(problems).to.have.length(1)
      expect(problems[0]).to.match(/^DOORBELL_STORAGE_INGEST_BATCH_SIZE: /)
    })
  })

  describe('problems', () => {
    it('reports every problem at once, each naming its setting', () => {
      const file = writeConfig('site.yaml', 'api:\n  pageSize: 5\n')
      const env = {
        DOORBELL_STORAGE_INGEST_BATCH_SIZE: '0',
        DOORBELL_STORAGE_LOG_LEVEL: 'loud',
        DOORBELL_STORAGE_STORAGE_POOL_SIZE: 'many',
        DOORBELL_STORAGE_MQTT_HOST: 'broker',
      }

      let error: unknown
      try {
        loadConfig({ file, env })
      } catch (caught) {
        error = caught
      }

      expect(error).to.be.instanceOf(ConfigError)
      const { problems, message, code } = error as ConfigError
      expect(code).to.equal('CONFIG_INVALID')
      expect(problems).to.have.length(5)
      for (const needle of [
        'DOORBELL_STORAGE_MQTT_HOST: no such setting',
        'api.pageSize (DOORBELL_STORAGE_API_PAGE_SIZE) is not a known field',
        'ingest.batchSize (DOORBELL_STORAGE_INGEST_BATCH_SIZE)',
        'log.level (DOORBELL_STORAGE_LOG_LEVEL)',
        'storage.poolSize (DOORBELL_STORAGE_STORAGE_POOL_SIZE) must be integer',
      ]) {
        expect(
          problems.some((p) => p.startsWith(needle)),
          needle,
        ).to.equal(true)
      }
      expect(message.split('\n')).to.have.length(6)
    })

    it('reports a config file that is missing or is not YAML', () => {
      const missing = join(dir, 'missing.yaml')
      const broken = writeConfig('broken.yaml', 'mqtt: [unclosed\n')

      expect(problemsOf({ file: missing, env: {} })[0]).to.include(missing)
      expect(problemsOf({ file: broken, env: {} })[0]).to.include(broken)
    })

    it('reports a value out of range with its limit', () => {
      const problems = problemsOf({
        env: {},
        overrides: { mqtt: { embeddedPort: 70000 } },
      })

      expect(problems).to.deep.equal([
        'mqtt.embeddedPort (DOORBELL_STORAGE_MQTT_EMBEDDED_PORT) must be <= 65535',
      ])
    })

    it('names the variable of the list for a problem inside one', () => {
      const model = {
        name: 'dlib',
        version: 1,
        dim: 128,
        metric: 'euclidean',
        threshold: 0.6,
      }
      const problems = problemsOf({ env: {}, overrides: { faces: { models: [model] } } })

      expect(problems).to.have.length(1)
      expect(problems[0]).to.match(
        /^faces\.models\.0\.version \(DOORBELL_STORAGE_FACES_MODELS\) must be string/,
      )
    })
  })
})

describe('loadConfig retention', () => {
  it('keeps everything but dead letters forever by default', () => {
    expect(loadConfig({ env: {} }).retention).to.deep.equal({
      intervalMinutes: 60,
      batchSize: 1000,
      events: { days: null, cameras: {} },
      reviews: { days: null },
      deadLetters: { days: 30 },
      audit: { days: null },
    })
  })

  it('reads days, fractions, null and per-camera days from the environment', () => {
    const env = {
      DOORBELL_STORAGE_RETENTION_EVENTS_DAYS: '14',
      DOORBELL_STORAGE_RETENTION_EVENTS_CAMERAS: '{front_door: 90, garage: null}',
      DOORBELL_STORAGE_RETENTION_REVIEWS_DAYS: '0.5',
      DOORBELL_STORAGE_RETENTION_DEAD_LETTERS_DAYS: 'null',
      DOORBELL_STORAGE_RETENTION_INTERVAL_MINUTES: '15',
    }

    const { retention } = loadConfig({ env })

    expect(retention).to.deep.include({
      intervalMinutes: 15,
      events: { days: 14, cameras: { front_door: 90, garage: null } },
      reviews: { days: 0.5 },
      deadLetters: { days: null },
    })
  })

  it('reports every retention setting out of range, each by name', () => {
    const problems = problemsOf({
      env: { DOORBELL_STORAGE_RETENTION_AUDIT_DAYS: 'soon' },
      overrides: {
        retention: {
          intervalMinutes: 0,
          batchSize: 2.5,
          events: { days: 0, cameras: { garden: -1, '': 3 }, keep: true },
          reviews: { days: -2 },
        },
      },
    })

    expect(problems).to.have.length(9)
    for (const needle of [
      'retention.intervalMinutes (DOORBELL_STORAGE_RETENTION_INTERVAL_MINUTES) must be > 0',
      'retention.batchSize (DOORBELL_STORAGE_RETENTION_BATCH_SIZE) must be integer',
      'retention.events.days (DOORBELL_STORAGE_RETENTION_EVENTS_DAYS) must be > 0',
      'retention.events.cameras.garden ',
      'retention.events.cameras (DOORBELL_STORAGE_RETENTION_EVENTS_CAMERAS) must NOT have fewer',
      'retention.events.cameras (DOORBELL_STORAGE_RETENTION_EVENTS_CAMERAS) property name',
      'retention.events.keep (DOORBELL_STORAGE_RETENTION_EVENTS_KEEP) is not a known field',
      'retention.reviews.days (DOORBELL_STORAGE_RETENTION_REVIEWS_DAYS) must be > 0',
      'retention.audit.days (DOORBELL_STORAGE_RETENTION_AUDIT_DAYS) must be number,null',
    ]) {
      expect(
        problems.some((p) => p.startsWith(needle)),
        `${needle} in ${problems.join('; ')}`,
      ).to.equal(true)
    }
  })
})

describe('DoorbellStorageConfig type', () => {
  it('is what scripts/gen-config-types.mjs renders from the schema', async () => {
    const script = new URL('scripts/gen-config-types.mjs', `file://${PACKAGE_ROOT}`).href
    const { renderConfigTypes } = (await import(script)) as {
      renderConfigTypes: () => Promise<string>
    }
    const committed = readFileSync(
      join(PACKAGE_ROOT, 'src/config/config-types.ts'),
      'utf8',
    )

    expect(committed, 'run npm run gen:types').to.equal(await renderConfigTypes())
  })
})
