import type { FormRule } from 'antd'
import type { TFunction } from '@/i18n/I18nProvider'
import { TSL_IDENTIFIER_MAX_LENGTH, TSL_IDENTIFIER_PATTERN, TSL_NAME_MAX_LENGTH } from '@/lib/alink'

/** Identifiers of features, parameters and struct fields: letters, digits and _, at most 50 characters. */
export const identifierRules = (t: TFunction): FormRule[] => [
  { required: true, message: t('tsl.rules.identifier') },
  { pattern: TSL_IDENTIFIER_PATTERN, message: t('tsl.rules.identifier') },
  { max: TSL_IDENTIFIER_MAX_LENGTH, message: t('tsl.rules.identifier') },
]

/** Display names: 1–30 characters. */
export const nameRules = (t: TFunction): FormRule[] => [
  { required: true, whitespace: true, message: t('tsl.rules.name') },
  { max: TSL_NAME_MAX_LENGTH, message: t('tsl.rules.name') },
]

/** A decimal number written as text, as the reference TSL stores min/max/step. */
export const numberTextRule = (t: TFunction, required = true): FormRule => ({
  validator: async (_rule, value: unknown) => {
    const s = String(value ?? '').trim()
    if (!s) {
      if (required) throw new Error(t('tsl.rules.number'))
      return
    }
    if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) throw new Error(t('tsl.rules.number'))
  },
})
