import type { Locale } from './config'
import { enUS, type Messages } from './messages/en-US'
import { jaJP } from './messages/ja-JP'
import { zhCN } from './messages/zh-CN'

export const CATALOGUES: Record<Locale, Messages> = { 'en-US': enUS, 'zh-CN': zhCN, 'ja-JP': jaJP }

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]

/** Every message key, as a dotted path into the catalogue (`device.status.ONLINE`). */
export type MessageKey = Leaves<Messages>
export type MessageVars = Record<string, string | number>

/** Looks a key up in a catalogue and fills `{name}` placeholders; an unknown key is returned as is. */
export function translate(messages: Messages, key: MessageKey, vars?: MessageVars): string {
  let node: unknown = messages
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined
  }
  if (typeof node !== 'string') return key
  if (!vars) return node
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}
