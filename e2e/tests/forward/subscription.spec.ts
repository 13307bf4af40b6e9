import { Device, SubscriptionConsumer, type SubscriptionMessage } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose, pickInMultiSelect } from '../../fixtures/ui'
import { E2E_MQTT_PORT, E2E_PORT } from '../../playwright.config'

// Server-side subscription end to end: a consumer group and a product subscription made in the console, an
// application reading the group with the SDK's consumer (lifecycle and property messages from a real device over
// MQTT), then the consumer stops, the device keeps posting and the console's backlog rises; the consumer resumes and
// the backlog drains to 0.
test.use({ actionTimeout: 15_000 })

test('[Subscription]: a consumer group made in the console receives lifecycle and property messages; its backlog rises while the consumer is stopped and drains when it resumes', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await signIn(page.request)
  const productName = uniq('E2E_Sub')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const sensor = await trpc<{ deviceName: string; deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName: uniq('sensor'),
  })
  const groupName = uniq('app').slice(0, 30)

  // the consumer group: its token is shown once
  await page.goto('/forward')
  await page.getByRole('tab', { name: 'Server-side subscription' }).click()
  await page.getByRole('button', { name: 'Create consumer group' }).click()
  const create = page.getByRole('dialog', { name: 'Create consumer group' })
  await create.getByLabel('Name', { exact: true }).fill(groupName)
  await create.getByLabel('Description', { exact: true }).fill('the plant dashboard')
  await create.getByRole('button', { name: 'OK' }).click()
  const shown = page.getByRole('dialog', { name: 'Consumer group token' })
  await expect(shown).toContainText('will not be shown again')
  const token = ((await shown.getByTestId('group-token').textContent()) ?? '').trim()
  expect(token).toMatch(/^cg_/)
  const groupId = ((await shown.locator('.mono').first().textContent()) ?? '').trim()
  expect(groupId).toMatch(/^CG_/)
  await shown.getByRole('button', { name: 'I have copied it' }).click()
  await expect(shown).toBeHidden()
  const groupRow = page
    .getByRole('region', { name: 'Consumer groups' })
    .locator('.ant-table-tbody tr.ant-table-row')
    .filter({ hasText: groupName })
  await expect(groupRow).toContainText(groupId)
  await expect(groupRow).not.toContainText(token)

  // the product's subscription: property posts and lifecycle (checked by default) to the group
  await page.getByRole('button', { name: 'Add subscription' }).click()
  const sub = page.getByRole('dialog', { name: 'Add product subscription' })
  await choose(page, sub.getByLabel('Product', { exact: true }), productName, productName)
  await expect(sub.getByRole('checkbox', { name: 'Device property posts' })).toBeChecked()
  await expect(sub.getByRole('checkbox', { name: 'Device online/offline' })).toBeChecked()
  await pickInMultiSelect(page, sub, 'Push to consumer groups', groupName)
  await sub.getByRole('button', { name: 'OK' }).click()
  await expect(sub).toBeHidden()
  const subRow = page
    .getByRole('region', { name: 'Product subscriptions' })
    .locator('.ant-table-tbody tr.ant-table-row')
    .filter({ hasText: productKey })
  await expect(subRow).toContainText('Device property posts')
  await expect(subRow).toContainText(groupName)

  // an application consumes the group
  const url = `http://127.0.0.1:${E2E_PORT}`
  const got: SubscriptionMessage[] = []
  let consumer = new SubscriptionConsumer({ url, groupId, token, onMessage: (m) => void got.push(m) })
  await consumer.start()
  await expect(groupRow.getByTestId('consumers')).toHaveText('1', { timeout: 10_000 })
  const dev = await Device.connect({ url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`, productKey, ...sensor })
  try {
    expect((await dev.postProperties({ temperature: 22 })).code).toBe(200)
    await expect
      .poll(() => got.find((m) => m.messageType === 'lifecycle')?.payload)
      .toMatchObject({ status: 'online', deviceName: sensor.deviceName })
    await expect
      .poll(() => got.find((m) => m.messageType === 'property')?.payload)
      .toMatchObject({ params: { temperature: 22 } })

    // the consumer stops; the device keeps posting: the backlog shown in the console rises
    await consumer.close()
    await expect(groupRow.getByTestId('consumers')).toHaveText('0', { timeout: 10_000 })
    for (let i = 1; i <= 5; i++) expect((await dev.postProperties({ temperature: 30 + i })).code).toBe(200)
    await expect(groupRow.getByTestId('backlog')).toHaveText('5', { timeout: 15_000 })

    // it resumes: the backlog drains to 0, the messages arrive in order
    const before = got.length
    consumer = new SubscriptionConsumer({ url, groupId, token, onMessage: (m) => void got.push(m) })
    await consumer.start()
    await expect(groupRow.getByTestId('backlog')).toHaveText('0', { timeout: 15_000 })
    expect(got.slice(before).map((m) => (m.payload as { params: { temperature: number } }).params.temperature)).toEqual(
      [31, 32, 33, 34, 35],
    )
  } finally {
    await consumer.close()
    await dev.close()
  }

  // an alarm on this group's backlog: the rule form offers consumer groups, not products, for this metric
  const oncall = uniq('sub_oncall')
  const contact = await trpc<{ id: string }>(page.request, 'notify.contacts.create', {
    name: `${oncall}_c`,
    email: `${oncall}@example.com`,
  })
  await trpc(page.request, 'notify.groups.create', { name: oncall, contactIds: [contact.id] })
  const rule = uniq('backlog_high')
  await page.goto('/monitoring?tab=alarms')
  await page.getByRole('button', { name: 'Create threshold rule' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create threshold rule' })
  await choose(page, dialog.getByLabel('Metric', { exact: true }), 'Consumer group backlog', 'Consumer group backlog')
  await expect(dialog.getByText('Each consumer group is evaluated on its own.')).toBeVisible()
  await dialog.getByText('One consumer group', { exact: true }).click()
  await choose(page, dialog.getByLabel('Consumer group', { exact: true }), groupName, groupName)
  await dialog.getByLabel('Rule name', { exact: true }).fill(rule)
  await dialog.getByLabel('Threshold', { exact: true }).fill('100')
  await dialog.getByRole('button', { name: 'Next' }).click()
  await pickInMultiSelect(page, dialog, 'Contact groups', oncall)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('row').filter({ hasText: rule })).toContainText(groupName)

  // a board card on this group's backlog: the metric editor offers consumer groups, and the card names the group
  const cards = await trpc<{ id: string; metric: string; productKey: string | null }[]>(
    page.request,
    'monitor.addBasic',
    { metrics: ['AMQP_Msg_Accumulate'] },
  )
  const cardId = cards.find((c) => c.metric === 'AMQP_Msg_Accumulate')!.id
  await page.goto('/monitoring')
  const card = page.getByRole('region', { name: 'Consumer group backlog', exact: true })
  await expect(card).toContainText('All consumer groups')
  await card.getByRole('button', { name: 'Card actions for Consumer group backlog' }).click()
  await page.getByRole('menuitem', { name: 'Edit metric' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit metric' })
  await edit.getByText('One consumer group', { exact: true }).click()
  await edit.getByRole('button', { name: 'OK' }).click()
  await expect(edit.getByText('Choose a consumer group.').last()).toBeVisible()
  await choose(page, edit.getByLabel('Consumer group', { exact: true }), groupName, groupName)
  await edit.getByRole('button', { name: 'OK' }).click()
  await expect(edit).toBeHidden()
  await expect(card).toContainText(groupName)
  const saved = await trpc<{ id: string; productKey: string | null }[]>(
    page.request,
    'monitor.cards',
    undefined,
    'query',
  )
  expect(saved.find((c) => c.id === cardId)?.productKey).toBe(groupId)
})
