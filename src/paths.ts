import { fileURLToPath } from 'node:url'

// This file sits one level below the package root both as src/paths.ts (tsx)
// and as dist/paths.js (built), so one relative URL serves both.
const ROOT_URL = new URL('../', import.meta.url)

export const PACKAGE_ROOT = fileURLToPath(ROOT_URL)
export const SCHEMAS_DIR = fileURLToPath(new URL('schemas/', ROOT_URL))
export const MIGRATIONS_DIR = fileURLToPath(new URL('migrations/', ROOT_URL))
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('config/default.yaml', ROOT_URL))
