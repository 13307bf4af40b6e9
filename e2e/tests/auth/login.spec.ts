import { expect, test } from '@playwright/test'
import { ADMIN } from '../../fixtures/api'

test('[Auth]: a wrong password is refused, the right one signs in, sign-out returns to the login page', async ({
  page,
}) => {
  await page.goto('/devices')
  await expect(page).toHaveURL(/\/login/)
  await page.getByLabel('E-mail').fill(ADMIN.email)
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('the e-mail address or the password is wrong')).toBeVisible()

  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // back to the page asked for
  await expect(page).toHaveURL(/\/devices/)
  await expect(page.getByRole('button', { name: 'Add device' }).first()).toBeVisible()

  await page.getByText('Administrator', { exact: false }).first().click()
  await page.getByText('Sign out').click()
  await expect(page).toHaveURL(/\/login/)
  await page.goto('/devices')
  await expect(page).toHaveURL(/\/login/)
})

test('[Auth]: the console follows the browser language and can be switched', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto('/login')
  await expect(page.getByRole('button', { name: '登 录' }).or(page.getByRole('button', { name: '登录' }))).toBeVisible()
  await context.close()
  const ja = await browser.newContext({ locale: 'ja-JP' })
  const p2 = await ja.newPage()
  await p2.goto('/login')
  await expect(p2.getByRole('button', { name: /ログイン|サインイン/ })).toBeVisible()
  await ja.close()
})
