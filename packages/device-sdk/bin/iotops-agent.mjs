#!/usr/bin/env node
// Runs the TypeScript agent CLI through tsx (the workspace ships sources, not builds).
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/tunnel/cli.ts')
// biome-ignore lint/style/noProcessEnv: the program's entry hands its one setting to main
process.exitCode = await main(process.argv.slice(2), process.env)
