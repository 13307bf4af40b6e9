'use client'

import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

/**
 * The region scope of a batch: a province or city that devices of the product actually report (with how many devices
 * each), not free text. The value is the name, matched against the devices' province or city.
 */
export function RegionSelect({
  productKey,
  value,
  onChange,
  id,
}: {
  productKey: string
  value?: string
  onChange?: (v: string | undefined) => void
  id?: string
}) {
  const t = useT()
  const trpc = useTRPC()
  const regions = useQuery(trpc.otaJob.regions.queryOptions({ productKey }))
  const rows = regions.data ?? []
  const option = (r: (typeof rows)[number]) => ({
    value: r.name,
    label: `${r.name}${r.province && r.kind === 'city' ? ` (${r.province})` : ''} · ${t('ota.wizard.scope.regionDevices', { n: r.devices })}`,
    search: `${r.name} ${r.province ?? ''}`,
  })
  const provinces = rows.filter((r) => r.kind === 'province').map(option)
  const cities = rows.filter((r) => r.kind === 'city').map(option)
  return (
    <Select
      id={id}
      showSearch={{ optionFilterProp: 'search' }}
      allowClear
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      loading={regions.isPending}
      placeholder={t('ota.wizard.scope.regionPlaceholder')}
      notFoundContent={regions.isPending ? null : t('ota.wizard.scope.regionNone')}
      options={[
        ...(provinces.length ? [{ label: t('ota.wizard.scope.regionProvinces'), options: provinces }] : []),
        ...(cities.length ? [{ label: t('ota.wizard.scope.regionCities'), options: cities }] : []),
      ]}
      style={{ width: 320 }}
    />
  )
}
