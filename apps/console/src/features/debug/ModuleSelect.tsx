'use client'

import { Flex, Select, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { DEFAULT_MODULE_ID, type TslModule } from '@/lib/alink'

/** The display name of a thing-model module: the default module by its localized name, others as `name (id)`. */
export function useModuleLabel() {
  const t = useT()
  return (m: TslModule) => (m.identifier === DEFAULT_MODULE_ID ? t('tsl.defaultModule') : `${m.name} (${m.identifier})`)
}

/** Picks one module of the product's thing model (the default module and the custom ones). */
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
    <Flex gap={8} align="center">
      <Typography.Text>{t('debug.module')}</Typography.Text>
      <Select<string>
        aria-label={t('debug.module')}
        value={value}
        onChange={onChange}
        options={modules.map((m) => ({ value: m.identifier, label: label(m) }))}
        popupMatchSelectWidth={false}
        style={{ minWidth: 180 }}
      />
    </Flex>
  )
}
