/** The detail page of a device. */
export const deviceHref = (productKey: string, deviceName: string) =>
  `/devices/${encodeURIComponent(productKey)}/${encodeURIComponent(deviceName)}`

/** A console tool opened on a device: online debugging or the device simulator (both read it from the query). */
export const deviceToolHref = (tool: '/debug' | '/simulator', productKey: string, deviceName: string) =>
  `${tool}?${new URLSearchParams({ productKey, deviceName }).toString()}`

export const DEVICE_STATUSES = ['ONLINE', 'OFFLINE', 'UNACTIVE', 'DISABLED'] as const
export type DeviceStatusFilter = (typeof DEVICE_STATUSES)[number]
export const isDeviceStatus = (s: string | null): s is DeviceStatusFilter =>
  s !== null && (DEVICE_STATUSES as readonly string[]).includes(s)

/** The CSV columns of device triples, named as the reference platform's batch files name them. */
export const TRIPLE_CSV_HEADER = ['ProductKey', 'DeviceName', 'DeviceSecret'] as const
