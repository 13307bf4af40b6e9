import { expect, test } from '@playwright/test'
import { signIn, uniq } from '../../fixtures/api'
import { pickInMultiSelect } from '../../fixtures/ui'

test('[Notify]: create a contact and a contact group in the console, send a test, and read it in the inbox bell', async ({
  page,
}) => {
  await signIn(page.request)
  const contact = uniq('E2E Ops')
  const group = uniq('E2E oncall')

  await page.goto('/monitoring/contacts')
  await expect(page.getByRole('heading', { name: 'Alarm contacts' })).toBeVisible()

  // a contact: a bad address is refused in the form, a good one is saved
  await page.getByRole('tab', { name: 'Contacts' }).click()
  await page.getByRole('button', { name: 'Add contact' }).click()
  const contactDialog = page.getByRole('dialog', { name: 'Add a contact' })
  await contactDialog.getByLabel('Name', { exact: true }).fill(contact)
  await contactDialog.getByLabel('E-mail', { exact: true }).fill('not-an-address')
  await contactDialog.getByRole('button', { name: 'Create' }).click()
  await expect(contactDialog.getByText('Enter an e-mail address such as ops@example.com.')).toBeVisible()
  await contactDialog.getByLabel('E-mail', { exact: true }).fill('ops@example.com')
  await contactDialog.getByRole('button', { name: 'Create' }).click()
  await expect(contactDialog).toBeHidden()
  await expect(page.getByRole('row').filter({ hasText: contact })).toContainText('ops@example.com')

  // a group with that member, a DingTalk secret (write-only) and the console inbox
  await page.getByRole('tab', { name: 'Contact groups' }).click()
  await page.getByRole('button', { name: 'Add contact group' }).click()
  const groupDialog = page.getByRole('dialog', { name: 'Add a contact group' })
  await groupDialog.getByLabel('Name', { exact: true }).fill(group)
  await pickInMultiSelect(page, groupDialog, 'Members', contact)
  await groupDialog.getByLabel('DingTalk robot URL', { exact: true }).fill('ftp://robot')
  await groupDialog.getByRole('button', { name: 'Create' }).click()
  await expect(groupDialog.getByText('Enter an http:// or https:// URL.')).toBeVisible()
  await groupDialog
    .getByLabel('DingTalk robot URL', { exact: true })
    .fill('http://127.0.0.1:9/robot/send?access_token=e2e')
  await groupDialog.getByLabel('DingTalk signing secret', { exact: true }).fill('SECe2e-secret-value')
  await groupDialog.getByRole('button', { name: 'Create' }).click()
  await expect(groupDialog).toBeHidden()
  const row = page.getByRole('row').filter({ hasText: group })
  await expect(row).toContainText('E-mail')
  await expect(row).toContainText('DingTalk')
  await expect(row).toContainText('Console')
  await expect(row).toContainText('signed')
  await expect(page.getByText('SECe2e-secret-value')).toHaveCount(0)

  // editing shows the secret as set, never its value
  await row.getByText('Edit', { exact: true }).click()
  const editDialog = page.getByRole('dialog', { name: `Edit contact group ${group}` })
  await expect(editDialog.getByText('A secret is set. Leave blank to keep it.')).toBeVisible()
  await expect(editDialog.getByLabel('DingTalk signing secret', { exact: true })).toHaveValue('')
  await editDialog.getByRole('button', { name: 'Cancel' }).click()

  // send test: the console channel is delivered at once
  const bell = page.getByRole('button', { name: 'Notifications' })
  const before = Number(await bell.getAttribute('data-unread'))
  await row.getByText('Send test', { exact: true }).click()
  const testDialog = page.getByRole('dialog', { name: `Test notification to ${group}` })
  await expect(testDialog.getByTestId('delivery-console')).toContainText('Delivered')
  await expect(testDialog.getByTestId('delivery-dingtalk')).toBeVisible()
  await expect(testDialog.getByTestId('delivery-email')).toBeVisible()
  await testDialog.getByRole('button', { name: 'Close' }).first().click()

  // the bell counts it (within its 10 s poll) and shows it in the drawer
  await expect(bell).toHaveAttribute('data-unread', String(before + 1), { timeout: 15_000 })
  await bell.click()
  const drawer = page.getByRole('dialog', { name: 'Notifications' })
  const item = drawer.getByTestId('inbox-item').filter({ hasText: `Test notification for "${group}"` })
  await expect(item).toBeVisible()
  await expect(item).toContainText('Info')
  await expect(item).toContainText(`Group ${group}`)
  await drawer.getByRole('button', { name: 'Mark all read' }).click()
  await expect(bell).toHaveAttribute('data-unread', '0')
  await drawer.getByText('Unread', { exact: true }).click()
  await expect(drawer.getByText('No notifications')).toBeVisible()
})
