import { describeCode } from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { expect, type Page, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { E2E_MQTT_PORT } from '../../playwright.config'

interface Trace {
  traceIds: string[]
  hops: { bizType: string; operation: string; code: number }[]
}

async function seedDevice(page: Page, name: string) {
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: uniq(name) })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('trace_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  return { productKey, deviceName, deviceSecret }
}

test('[Logs]: the TraceId of a refused property post opens its message trace, red where the thing model refused it', async ({
  page,
}) => {
  await signIn(page.request)
  const { productKey, deviceName, deviceSecret } = await seedDevice(page, 'E2E_Trace')
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    expect((await device.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await device.postProperties({ temperature: 900 })).code).toBe(6306)
  } finally {
    await device.close()
  }

  // the cloud run log of the device: the refused post's row links to its trace
  await page.goto(`/logs?tab=run&productKey=${productKey}&deviceName=${deviceName}`)
  const failed = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: '6306' }).first()
  await expect(failed).toBeVisible()
  const traceId = (await failed.locator('td').nth(1).textContent())!.trim()
  await failed.getByRole('link', { name: 'Message trace' }).click()

  await expect(page).toHaveURL(new RegExp(`tab=trace&traceId=${traceId}`))
  await expect(page.getByRole('tab', { name: 'Message trace', selected: true })).toBeVisible()
  await expect(page.getByLabel('Enter a TraceId')).toHaveValue(traceId)

  // the summary names the failing hop and what its code means
  const code = describeCode(6306, 'en-US')!
  const summary = page.getByRole('alert').filter({ hasText: 'Failed at hop 2' })
  await expect(summary).toContainText('Thing model (code 6306)')
  await expect(summary).toContainText(code.meaning)

  // the graph is drawn, and its hop table lists the message's path with the refusal marked failed
  const graph = page.getByTestId('trace-graph')
  await expect(graph.locator('canvas').first()).toBeVisible()
  const hops = page.getByRole('tabpanel', { name: 'Message trace' }).locator('.ant-table-tbody tr.ant-table-row')
  await expect(hops).toHaveCount(3)
  await expect(hops.nth(0)).toContainText('Upstream message (uplink)')
  await expect(hops.nth(1)).toContainText('Thing model (ThingModel)')
  await expect(hops.nth(1)).toContainText('6306')
  await expect(hops.nth(1)).toContainText('Failure')
  await expect(hops.nth(1)).toContainText(code.meaning)
  await expect(hops.nth(2)).toContainText('Downstream message (downlink)')
  await expect(hops.nth(2)).toContainText('Success')
  await expect(hops.filter({ hasText: 'Failure' })).toHaveCount(1)

  // hovering the red node (the middle of three, on the graph's one row) shows its code, latency and reason
  const box = (await graph.boundingBox())!
  await graph.hover({ position: { x: box.width / 2, y: 49 } })
  const tooltip = graph.getByText(`6306 · ${code.meaning}`)
  await expect(tooltip).toBeVisible()
  await expect(graph.getByText('Since previous')).toBeVisible()
  await expect(graph.getByText(/^\+\d+ ms$/).first()).toBeVisible()
  await expect(graph.getByText('Reason')).toBeVisible()

  // a hop opens the run-log details
  await hops.nth(1).locator('td').nth(3).click()
  const drawer = page.getByRole('dialog', { name: 'Log details' })
  await expect(drawer).toBeVisible()
  await expect(drawer.getByText(code.cause!)).toBeVisible()
})

test('[Logs]: a MessageId search follows a property set from the API call to the device and its reply', async ({
  page,
}) => {
  await signIn(page.request)
  const { productKey, deviceName, deviceSecret } = await seedDevice(page, 'E2E_TraceSet')
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    device.onPropertySet(() => undefined)
    const { messageId } = await trpc<{ messageId: string }>(page.request, 'device.setProperty', {
      productKey,
      deviceName,
      items: { temperature: 30 },
    })
    // the device answers on its own; wait until the reply is logged
    await expect
      .poll(async () => {
        const t = await trpc<Trace>(page.request, 'runLog.trace', { messageId }, 'query')
        return t.hops.length
      })
      .toBe(4)

    await page.goto('/logs?tab=trace')
    await expect(page.getByText('Enter a TraceId or a MessageId to follow a message')).toBeVisible()
    await page.getByText('MessageId', { exact: true }).click()
    const box = page.getByLabel('Enter a MessageId')
    await box.fill(messageId)
    await box.press('Enter')
    await expect(page).toHaveURL(new RegExp(`tab=trace&messageId=${messageId}`))

    const hops = page.getByRole('tabpanel', { name: 'Message trace' }).locator('.ant-table-tbody tr.ant-table-row')
    const expectFlow = async () => {
      await expect(hops).toHaveCount(4)
      await expect(hops.nth(0)).toContainText('Cloud API call (ApiService)')
      await expect(hops.nth(0)).toContainText('SetDeviceProperty')
      // the command goes down and the device's reply comes up in between. Their order is not asserted: the
      // downlink row is stamped after the publish returns (hub/downlink.ts), so a fast device's reply can be
      // stamped first — reported to the owner of downlink.ts
      const down = hops.filter({ hasText: 'Downstream message (downlink)' })
      const up = hops.filter({ hasText: 'Upstream message (uplink)' })
      await expect(down).toHaveCount(1)
      await expect(down).toContainText('thing/service/property/set')
      await expect(up).toHaveCount(1)
      await expect(up).toContainText('property/set_reply')
      await expect(hops.nth(3)).toContainText('Thing service (ThingService)')
      await expect(hops.filter({ hasText: 'Failure' })).toHaveCount(0)
      await expect(page.getByRole('alert').filter({ hasText: 'Every hop succeeded' })).toContainText('spans 2 traces')
      await expect(page.getByTestId('trace-graph').locator('canvas').first()).toBeVisible()
    }
    await expectFlow()
    // the command and the device's reply carry different TraceIds: the table tells them apart
    await expect(
      hops.filter({ hasText: 'Downstream message (downlink)' }).locator('.ant-tag').filter({ hasText: /^1$/ }),
    ).toBeVisible()
    await expect(
      hops.filter({ hasText: 'Upstream message (uplink)' }).locator('.ant-tag').filter({ hasText: /^2$/ }),
    ).toBeVisible()

    // the address carries the search: a shared link shows the same trace
    await page.reload()
    await expect(page.getByLabel('Enter a MessageId')).toHaveValue(messageId)
    await expectFlow()
  } finally {
    await device.close()
  }
})

test('[Logs]: an unknown TraceId says nothing was found', async ({ page }) => {
  await signIn(page.request)
  await page.goto('/logs?tab=trace&traceId=no-such-trace-0000')
  await expect(page.getByText('No run-log record has the TraceId no-such-trace-0000')).toBeVisible()
  await expect(page.getByTestId('trace-graph')).toHaveCount(0)
})
