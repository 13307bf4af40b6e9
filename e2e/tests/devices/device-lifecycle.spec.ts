import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Devices]: create a product with a thing model and a device in the console; the device goes online with its values, then offline', async ({
  page,
}) => {
  await signIn(page.request)
  const productName = uniq('E2E_Sensor')

  // product
  await page.goto('/products')
  await page.getByRole('button', { name: 'Create product' }).first().click()
  const create = page.getByRole('dialog', { name: 'Create product' })
  await create.getByLabel('Product name').fill(productName)
  await create.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByText('Product created')).toBeVisible()
  const products = await trpc<{ items: { productKey: string; name: string }[] }>(
    page.request,
    'product.list',
    { page: 1, pageSize: 50, search: productName },
    'query',
  )
  const productKey = products.items[0]!.productKey

  // thing model: import a TSL document
  await page.goto(`/products/${productKey}`)
  await page.getByRole('tab', { name: 'Thing model' }).click()
  await page.getByRole('button', { name: 'Import TSL' }).click()
  const imp = page.getByRole('dialog', { name: 'Import TSL' })
  await imp.getByLabel('TSL JSON').fill(JSON.stringify(SENSOR_TSL))
  await imp.getByRole('button', { name: 'Import TSL' }).click()
  await expect(page.getByText('Thing model imported')).toBeVisible()
  await expect(page.getByRole('cell', { name: 'temperature', exact: true })).toBeVisible()

  // device
  await page.goto('/devices')
  await page.getByRole('button', { name: 'Add device' }).first().click()
  const add = page.getByRole('dialog', { name: 'Add device' })
  await choose(page, add.getByLabel('Product'), productName, productName)
  await add.getByLabel('DeviceName').fill('e2e_device_01')
  await add.getByRole('button', { name: 'Create' }).click()
  const secret = (await page
    .getByText(/^[0-9a-f]{32}$/)
    .first()
    .textContent())!.trim()
  expect(secret).toMatch(/^[0-9a-f]{32}$/)
  await page.keyboard.press('Escape')

  // the device page shows it inactive, then online with the values it posts, then offline
  await page.goto(`/devices/${productKey}/e2e_device_01`)
  await expect(page.getByText('Inactive', { exact: true }).first()).toBeVisible()
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName: 'e2e_device_01',
    deviceSecret: secret,
  })
  expect((await device.postProperties({ temperature: 23, humidity: 41.5 })).code).toBe(200)
  await expect(page.getByText('Online', { exact: true }).first()).toBeVisible()
  await page.getByRole('tab', { name: 'Thing model data' }).click()
  await expect(page.getByText('41.5').first()).toBeVisible()

  // an invalid value is refused with the documented TSL code, visible in the run log
  expect((await device.postProperties({ temperature: 999 })).code).toBe(6306)
  await page.getByRole('tab', { name: 'Run log' }).click()
  await expect(page.getByText('6306').first()).toBeVisible()

  await device.close()
  await expect(page.getByText('Offline', { exact: true }).first()).toBeVisible()
})
