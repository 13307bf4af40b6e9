import { describe, expect, it } from 'vitest'
import { compare, matchTrigger } from './evaluate'
import { ZAlertRuleInput, ZSceneRuleInput } from './schema'

describe('scene evaluation', () => {
  it('compares numbers, booleans and text', () => {
    expect(compare('>', 31, 30)).toBe(true)
    expect(compare('>', '31.5', 30)).toBe(true)
    expect(compare('<=', 30, 30)).toBe(true)
    expect(compare('==', 1, true)).toBe(true)
    expect(compare('!=', 'on', 'off')).toBe(true)
    expect(compare('>', 'abc', 3)).toBe(false)
    expect(compare('==', undefined, 3)).toBe(false)
  })

  it('matches property, event, status and change triggers of the right device', () => {
    const at = Date.parse('2026-01-01T00:00:00Z')
    const prop = {
      kind: 'property' as const,
      productKey: 'pk',
      deviceName: 'd1',
      values: [{ identifier: 't', value: 40 }],
      at,
    }
    const over = [{ type: 'property' as const, productKey: 'pk', identifier: 't', op: '>' as const, value: 30 }]
    expect(matchTrigger(over, prop, () => undefined)).toMatchObject({
      type: 'property',
      value: 40,
      threshold: 30,
      deviceName: 'd1',
    })
    expect(matchTrigger([{ ...over[0]!, deviceName: 'd2' }], prop, () => undefined)).toBeNull()
    const changed = [{ type: 'property' as const, productKey: 'pk', identifier: 't', op: 'changed' as const }]
    expect(matchTrigger(changed, prop, () => 40)).toBeNull()
    expect(matchTrigger(changed, prop, () => undefined)).toBeNull()
    expect(matchTrigger(changed, prop, () => 39)).toMatchObject({ previous: 39, value: 40 })
    const ev = {
      kind: 'event' as const,
      productKey: 'pk',
      deviceName: 'd1',
      identifier: 'overheat',
      eventType: 'alert',
      params: {},
      at,
    }
    expect(matchTrigger([{ type: 'event', productKey: 'pk', eventType: 'error' }], ev, () => undefined)).toBeNull()
    expect(matchTrigger([{ type: 'event', productKey: 'pk', eventType: 'alert' }], ev, () => undefined)).toMatchObject({
      identifier: 'overheat',
    })
    const st = {
      kind: 'status' as const,
      productKey: 'pk',
      deviceName: 'd1',
      status: 'OFFLINE' as const,
      code: 1911,
      at,
    }
    expect(matchTrigger([{ type: 'status', productKey: 'pk', status: 'OFFLINE' }], st, () => undefined)).toMatchObject({
      code: 1911,
    })
    expect(matchTrigger([{ type: 'status', productKey: 'pk', status: 'ONLINE' }], st, () => undefined)).toBeNull()
  })

  it('validates rules before anything is stored', () => {
    expect(ZAlertRuleInput.safeParse({ name: 'abc', level: 1 }).success).toBe(false)
    expect(ZAlertRuleInput.safeParse({ name: '温度异常告警', level: 5 }).success).toBe(true)
    expect(ZAlertRuleInput.safeParse({ name: 'temp alert', level: 3 }).success).toBe(false)
    expect(ZAlertRuleInput.safeParse({ name: 'temp_alert', level: 6 }).success).toBe(false)
    const noGroups = ZAlertRuleInput.safeParse({ name: 'temp_alert', level: 1, channels: ['webhook'] })
    expect(noGroups.error?.issues[0]?.message).toMatch(/contact groups/)
    const bad = ZSceneRuleInput.safeParse({
      name: 's',
      triggers: [{ type: 'schedule', cron: '61 * * * *' }],
      actions: [{ type: 'webhook', url: 'http://x.test/h' }],
    })
    expect(bad.error?.issues[0]?.message).toMatch(/minute/)
    const noValue = ZSceneRuleInput.safeParse({
      name: 's',
      triggers: [{ type: 'property', productKey: 'pk', identifier: 't', op: '>' }],
      actions: [{ type: 'webhook', url: 'http://x.test/h' }],
    })
    expect(noValue.error?.issues[0]?.message).toMatch(/needs a value/)
  })
})
