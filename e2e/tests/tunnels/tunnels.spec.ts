import net from 'node:net'
import { Device } from '@iotops/device-sdk'
import { TunnelAccess, TunnelAgent } from '@iotops/device-sdk/tunnel'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Tunnel]: create a tunnel for a device running the agent, see both sides connected, relay a session, close it', async ({
  page,
}) => {
  await signIn(page.request)
  const productName = uniq('E2E_Tunnel')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  const deviceName = uniq('tun_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })

  // the device: online over MQTT, the tunnel agent mapping ECHO to a local echo service
  const echo = net.createServer((s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  const agent = new TunnelAgent(device, {
    services: { ECHO: { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port } },
  })
  await agent.start()
  let access: TunnelAccess | null = null
  try {
    await page.goto('/tunnels')
    await expect(page.getByRole('heading', { name: 'Secure tunnel' })).toBeVisible()
    await page.getByRole('button', { name: 'Create tunnel' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'Create tunnel' })
    await expect(dialog.getByText('A tunnel stays open for 24 hours at most')).toBeVisible()
    await dialog.getByLabel('Product', { exact: true }).click()
    await page.keyboard.type(productName)
    await page.locator('.ant-select-item-option').filter({ hasText: productName }).click()
    await dialog.getByLabel('Device', { exact: true }).click()
    await page.locator('.ant-select-item-option').filter({ hasText: deviceName }).click()
    await dialog.getByLabel('Custom information for the device').fill('{"ticket":"T-42"}')
    await dialog.getByLabel('Description', { exact: true }).fill('e2e tunnel')
    await dialog.getByRole('button', { name: 'Create' }).click()

    // the access credentials, shown once
    const created = page.getByRole('dialog', { name: 'Tunnel created' })
    await expect(created.getByText('they are shown only once')).toBeVisible()
    const cell = (label: string) => created.getByRole('row', { name: new RegExp(label) }).locator('td')
    const tunnelId = (await cell('Tunnel ID').innerText()).trim()
    const token = (await cell('Access token').innerText()).trim()
    const url = (await cell('Access URL').innerText()).trim()
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/api/ws/tunnel/access/${tunnelId}$`))
    expect(token).toMatch(/^[\w-]{43}$/)
    await created.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click()
    await expect(created).toBeHidden()

    // the device side connects by itself (the agent got the notice); the access side once our client connects
    const row = page.getByRole('row').filter({ hasText: tunnelId })
    await expect(row.getByTestId(`device-side-${tunnelId}`)).toHaveText('Connected')
    await expect(row.getByTestId(`access-side-${tunnelId}`)).toHaveText('Not connected')
    await expect(row.getByText('Open', { exact: true })).toBeVisible()
    access = await TunnelAccess.connect(url, token)
    await expect(row.getByTestId(`access-side-${tunnelId}`)).toHaveText('Connected')

    // a session to the echo service through the tunnel
    const session = await access.openSession('ECHO')
    const back = new Promise<string>((resolve) => session.once('data', (c: Buffer) => resolve(c.toString())))
    session.write('ping through the tunnel')
    expect(await back).toBe('ping through the tunnel')

    // the detail page lists the session
    await row.getByRole('link', { name: tunnelId }).click()
    await expect(page.getByRole('heading', { name: `Tunnel ${tunnelId}` })).toBeVisible()
    await expect(page.getByText('e2e tunnel')).toBeVisible()
    const sessionRow = page.getByRole('row').filter({ hasText: session.sessionId })
    await expect(sessionRow.getByText('ECHO')).toBeVisible()
    await expect(sessionRow.getByText('Active')).toBeVisible()

    // closing from the console ends the session and disconnects both sides
    await page.getByRole('button', { name: 'Close tunnel' }).click()
    await page.getByRole('tooltip').getByRole('button', { name: 'Close tunnel' }).click()
    await expect(page.getByText('Closed', { exact: true }).first()).toBeVisible()
    await expect(sessionRow.getByText('Platform closed it')).toBeVisible()
    await page.goto('/tunnels')
    const closedRow = page.getByRole('row').filter({ hasText: tunnelId })
    await expect(closedRow.getByTestId(`device-side-${tunnelId}`)).toHaveText('Not connected')
    await expect(closedRow.getByTestId(`access-side-${tunnelId}`)).toHaveText('Not connected')
    await expect(closedRow.getByText('Closed', { exact: true })).toBeVisible()
  } finally {
    await access?.close()
    await agent.stop()
    await device.client.endAsync()
    echo.close()
  }
})
