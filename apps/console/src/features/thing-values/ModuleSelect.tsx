'use client'

import { Select } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { DEFAULT_MODULE_ID, type TslModule } from '@/lib/alink'

/** The display name of a thing-model module: the default module by its localized name, others as `name (id)`. */
export function useModuleLabel() {
  const t = useT()
  return (m: TslModule) => (m.identifier === DEFAULT_MODULE_ID ? t('tsl.defaultModule') : `${m.name} (${m.identifier})`)
}

/** Picks one module of a product's thing model (the default module and the custom ones). */
export function ModuleSelect({
  modules,
  value,
  onChange,
}: {
  modules: readonly TslModule[]
  value: string
  onChange: (moduleId: string) => void
}) {
  const t = useT()
  const label = useModuleLabel()
  return (
    <Select<string>
      aria-label={t('thingValue.module')}
      value={value}
      onChange={onChange}
      options={modules.map((m) => ({ value: m.identifier, label: label(m) }))}
      popupMatchSelectWidth={false}
      style={{ minWidth: 180 }}
    />
  )
}
