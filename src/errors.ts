/**
 * Base of every error the service raises on purpose. `code` is stable and
 * meant for machines (responses, logs, tests); `message` is for people.
 */
export class AppError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** A problem that stops startup; `hint` tells the operator what to change. */
export class StartupError extends AppError {
  readonly hint: string

  constructor(
    code: string,
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.hint = hint
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function errorCode(error: unknown): string | undefined {
  if (error instanceof AppError) return error.code
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code
  }

  return undefined
}
