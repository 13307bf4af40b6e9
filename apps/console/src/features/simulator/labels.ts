import type { TFunction } from '@/i18n/I18nProvider'
import type { LogRow } from './useSimulator'

export const KIND_COLOR: Record<LogRow['kind'], string> = { behavior: 'default', up: 'blue', down: 'green' }

const STOP_REASONS = ['user', 'lease', 'idle', 'kicked', 'disabled', 'deleted', 'connection', 'shutdown'] as const
type StopReasonKey = (typeof STOP_REASONS)[number]
const isStopReason = (v: string | undefined): v is StopReasonKey =>
  !!v && (STOP_REASONS as readonly string[]).includes(v)

/** The headline of a device-side log entry, in the user's language. */
export function entryText(t: TFunction, r: LogRow): string {
  switch (r.event) {
    case 'connect':
      return t('simulator.log.event.connect')
    case 'connack':
      return t('simulator.log.event.connack')
    case 'subscribe':
      return t('simulator.log.event.subscribe')
    case 'suback':
      return t(r.code === 200 ? 'simulator.log.event.subackOk' : 'simulator.log.event.subackRefused')
    case 'unsubscribe':
      return t('simulator.log.event.unsubscribe')
    case 'publish':
      return t('simulator.log.event.publish', { qos: r.qos ?? 0 })
    case 'received':
      return t('simulator.log.event.received', { qos: r.qos ?? 0 })
    case 'strategy':
      switch (r.detail) {
        case 'replaced':
          return t('simulator.log.event.strategyReplaced')
        case 'fired':
          return t('simulator.log.event.strategyFired', { progress: r.text ?? '' })
        case 'finished':
          return t('simulator.log.event.strategyFinished', { progress: r.text ?? '' })
        case 'cancelled':
          return t('simulator.log.event.strategyCancelled')
        default:
          return t('simulator.log.event.strategySet')
      }
    case 'answer':
      if (r.detail === 'propertySet') return t('simulator.log.event.answerSet')
      return t(
        r.detail === 'serviceConfigured' ? 'simulator.log.event.answerConfigured' : 'simulator.log.event.answerDefault',
        {
          service: r.topic ?? '',
        },
      )
    case 'disconnect':
      return isStopReason(r.detail) ? t(`simulator.stopReason.${r.detail}`) : t('simulator.log.event.disconnect')
    case 'error':
      return t('simulator.log.event.error')
  }
}
