import { Device } from '@iotops/device-sdk'
import { TunnelAgent } from '@iotops/device-sdk/tunnel'
import { expect, type Page, test } from '@playwright/test'
import { sshdUnavailable, startTestSshd } from '../../../apps/bff/src/testing-sshd'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { E2E_MQTT_PORT } from '../../playwright.config'

const skip = sshdUnavailable()

/** Types into the xterm of `page` (its hidden textarea has the focus after a click). */
async function typeInTerminal(page: Page, text: string) {
  await page.getByTestId('xterm').click()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

async function sshLogin(page: Page, user: string, password: string) {
  await page.getByLabel('SSH user', { exact: true }).fill(user)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password)
  await page.getByRole('button', { name: /^(Log in|Log in again)$/ }).click()
}

test.skip(!!skip, skip ?? '')

test('[Remote login]: SSH in the browser over the tunnel, 78116 on a wrong password, share link, reset, replay', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000)
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_SSH'),
  })
  const deviceName = uniq('ssh_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  // a real sshd behind the device's tunnel agent (_SSH → the sshd's loopback port)
  const sshd = await startTestSshd(Number(process.env.E2E_SSHD_PORT ?? 0) || undefined)
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  const agent = new TunnelAgent(device, { services: { _SSH: { host: '127.0.0.1', port: sshd.port } } })
  await agent.start()
  const recipient = await browser.newContext()
  try {
    await page.goto(`/debug?productKey=${productKey}&deviceName=${deviceName}`)
    await page.getByRole('tab', { name: 'Remote login' }).click()

    // a wrong SSH password: 78116 and a clear message
    await sshLogin(page, sshd.user, 'not-the-password')
    const error = page.getByTestId('ssh-error')
    await expect(error).toContainText('78116')
    await expect(error).toContainText('user name or password')

    // the right one: a shell in xterm
    await sshLogin(page, sshd.user, sshd.password)
    await expect(page.getByTestId('ssh-state')).toHaveText('Connected', { timeout: 20_000 })
    await typeInTerminal(page, 'echo hello-$((6*7))')
    await expect(page.locator('.xterm-rows')).toContainText('hello-42')
    // the first login recorded the device's host key (trust on first use)
    await expect(page.getByTestId('ssh-host-key')).toContainText(/SHA256:[A-Za-z0-9+/]{43}/, { timeout: 15_000 })
    await expect(page.getByTestId('ssh-host-key')).toContainText('ssh-ed25519')

    // share the device's remote login: link + password, shown once
    await page.getByRole('button', { name: 'Create share link' }).click()
    const created = page.getByRole('dialog', { name: 'Share link created' })
    const link = (await created.getByTestId('share-link').innerText()).trim()
    const password = (await created.getByTestId('share-password').innerText()).trim()
    expect(link).toMatch(/\/share\/ssh\/[\w-]{43}$/)
    await created.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click()

    // the recipient, in a browser without a console session
    const other = await recipient.newPage()
    await other.goto(link)
    await other.getByLabel('Share password').fill(password)
    await other.getByRole('button', { name: 'Continue' }).click()
    await expect(other.getByText(deviceName)).toBeVisible()
    await sshLogin(other, sshd.user, sshd.password)
    await expect(other.getByTestId('ssh-state')).toHaveText('Connected', { timeout: 20_000 })
    await typeInTerminal(other, 'echo shared-$((2+3))')
    await expect(other.locator('.xterm-rows')).toContainText('shared-5')

    // reset the share password: the old one is refused for a new login
    await page.getByRole('button', { name: 'Reset password' }).click()
    const reset = page.getByRole('dialog', { name: 'New share password' })
    const newPassword = (await reset.getByTestId('share-password').innerText()).trim()
    expect(newPassword).not.toBe(password)
    await reset.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click()
    const again = await recipient.newPage()
    await again.goto(link)
    await again.getByLabel('Share password').fill(password)
    await again.getByRole('button', { name: 'Continue' }).click()
    await expect(again.getByTestId('share-error')).toContainText('not valid')
    // the recipient's running session goes on
    await typeInTerminal(other, 'echo still-$((1+1))')
    await expect(other.locator('.xterm-rows')).toContainText('still-2')

    // an admin watches the recipient's session live from the audit list, then ends it
    const watcher = await page.context().newPage()
    await watcher.goto(`/remote-login?productKey=${productKey}&deviceName=${deviceName}`)
    const shared = watcher.getByRole('row').filter({ hasText: 'Share link' }).filter({ hasText: 'Running' })
    await shared.first().getByRole('link', { name: 'Watch live' }).click()
    await expect(watcher.getByRole('heading', { name: 'Live session (read-only)' })).toBeVisible()
    await typeInTerminal(other, 'echo watched-$((3+4))')
    await expect(watcher.locator('.xterm-rows')).toContainText('watched-7', { timeout: 15_000 })
    await watcher.goto(`/remote-login?productKey=${productKey}&deviceName=${deviceName}`)
    await watcher
      .getByRole('row')
      .filter({ hasText: 'Share link' })
      .filter({ hasText: 'Running' })
      .first()
      .getByRole('button', { name: 'End session' })
      .click()
    await watcher.locator('.ant-popconfirm').getByRole('button', { name: 'Confirm' }).click()
    await expect(other.getByTestId('ssh-ended')).toBeVisible({ timeout: 15_000 })
    await watcher.close()

    // end the session and replay its recording
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await expect(page.getByTestId('ssh-ended')).toBeVisible()
    await page.getByRole('link', { name: 'Session history' }).click()
    await expect(page.getByRole('heading', { name: 'Remote login sessions' })).toBeVisible()
    const mine = page.getByRole('row').filter({ hasText: 'admin@example.com' }).filter({ hasText: deviceName })
    await mine.first().getByRole('link', { name: 'Replay' }).click()
    await expect(page.getByRole('heading', { name: 'Session replay' })).toBeVisible()
    await expect(page.locator('.xterm-rows')).toContainText('hello-42', { timeout: 20_000 })
  } finally {
    await recipient.close()
    await agent.stop()
    await device.client.endAsync()
    await sshd.stop()
  }
})
