import { defineConfig } from '@playwright/test'

// One real node (console + API + broker + embedded PostgreSQL in a fresh DATA_DIR) for the run; each test
// seeds its own data through the API. Debian's Chromium, never a downloaded browser.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210)
export const E2E_MQTT_PORT = Number(process.env.E2E_MQTT_PORT ?? 18830)

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node ./fixtures/server.mjs',
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
})
