import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deadLettersHandlers } from '../api/handlers/deadletters.js'
import { eventStatsHandlers } from '../api/handlers/event-stats.js'
import { eventsHandlers } from '../api/handlers/events.js'
import { facesHandlers } from '../api/handlers/faces.js'
import { reviewsHandlers } from '../api/handlers/reviews.js'
import type { HandlerMap } from '../api/handler.js'
import type { Config } from '../config/load-config.js'
import type { FaceDirectory } from '../faces/face-directory.js'
import { checkHealth, type HealthSources } from '../ops/health.js'
import { PACKAGE_ROOT } from '../paths.js'
import type { Repositories } from '../storage/repositories/repositories.js'

export interface HandlerParts {
  config: Config
  repos: Repositories
  faces: FaceDirectory
  /** Everything health reports on, but the version, read here. */
  health: Omit<HealthSources, 'version'>
}

/** Every request op the service answers, by name. */
export function requestHandlers(parts: HandlerParts): HandlerMap {
  const { config, repos, faces } = parts
  const limits = { defaultLimit: config.api.defaultLimit, maxLimit: config.api.maxLimit }
  const version = readVersion()

  return {
    ...eventsHandlers({ ...repos, ...limits }),
    ...eventStatsHandlers(repos),
    ...reviewsHandlers({ reviews: repos.reviews, ...limits }),
    ...deadLettersHandlers({ deadLetters: repos.deadLetters, ...limits }),
    ...facesHandlers({ directory: faces, faces: repos.faces, ...limits }),
    health: () => checkHealth({ ...parts.health, version }),
  }
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string
  }

  return pkg.version
}
