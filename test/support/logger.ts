import { createLogger, type Logger } from '../../src/log/logger.js'

/** A logger that prints nothing, for units that require one. */
export function silentLogger(): Logger {
  return createLogger('silent')
}
