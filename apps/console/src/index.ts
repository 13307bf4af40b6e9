import { fileURLToPath } from 'node:url'

/** The console's project directory, for `next({ dir: consoleDir })` in apps/bff. */
export const consoleDir = fileURLToPath(new URL('..', import.meta.url))
