import type { QueryClient } from '@tanstack/react-query'
import { deviceStatus } from '@/components/StatusBadge'
import type { TFunction } from '@/i18n/I18nProvider'
import { downloadText, toCsv } from '@/lib/csv'
import { formatTime } from '@/lib/format'
import type { useTRPC } from '@/trpc/react'
import type { RouterInputs, RouterOutputs } from '@/trpc/types'

type ListInput = Omit<RouterInputs['device']['list'], 'page' | 'pageSize'>
type Row = RouterOutputs['device']['list']['items'][number]
const PAGE = 200
/** An export stops here; a longer list needs the HTTP API. */
export const EXPORT_MAX = 20_000

/** Fetches every device matching the filters (page by page) and downloads them as CSV. Returns the count. */
export async function exportDevicesCsv(
  queryClient: QueryClient,
  trpc: ReturnType<typeof useTRPC>,
  filters: ListInput,
  t: TFunction,
): Promise<number> {
  const rows: Row[] = []
  for (let page = 1; rows.length < EXPORT_MAX; page++) {
    const res = await queryClient.fetchQuery(trpc.device.list.queryOptions({ ...filters, page, pageSize: PAGE }))
    rows.push(...res.items)
    if (res.items.length < PAGE || rows.length >= res.total) break
  }
  const header = [
    t('device.fields.deviceName'),
    t('device.fields.nickname'),
    t('product.fields.productKey'),
    t('device.fields.product'),
    t('device.fields.status'),
    t('device.fields.ip'),
    t('device.fields.lastOnlineAt'),
    t('common.createdAt'),
    t('device.fields.iotId'),
  ]
  const csv = toCsv(
    header,
    rows.map((d) => [
      d.deviceName,
      d.nickname,
      d.productKey,
      d.productName,
      t(`device.status.${deviceStatus(d.status)}`),
      d.ip,
      formatTime(d.lastOnlineAt, ''),
      formatTime(d.createdAt, ''),
      d.iotId,
    ]),
  )
  downloadText(`devices_${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.csv`, csv)
  return rows.length
}
