import { pino, type Logger } from 'pino'

export type { Logger }

/** The one logger of the process; modules take a child with their namespace. */
export function createLogger(level: string): Logger {
  return pino({ name: 'doorbell-storage', level, base: undefined })
}
