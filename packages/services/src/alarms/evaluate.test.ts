import { describe, expect, it } from 'vitest'
import { conditionHolds, INITIAL_STATE, inWindow, type Period, type RuleSpec, type RuleState, step } from './evaluate'

const M = 60_000
const rule: RuleSpec = {
  operator: '>',
  threshold: 10,
  periods: 3,
  silenceSeconds: 300,
  noDataAlert: true,
  counter: true,
}
const period = (i: number, value: number | null, reference: number | null = null): Period => ({
  start: i * M,
  end: (i + 1) * M,
  value,
  reference,
})

function run(spec: RuleSpec, values: (number | null)[]) {
  let s: RuleState = INITIAL_STATE
  return values.map((v, i) => {
    const r = step(spec, s, period(i, v))
    s = r.state
    return r.transition
  })
}

describe('alarm rule evaluation', () => {
  it('fires exactly when the third consecutive period closes over the threshold', () => {
    expect(run(rule, [11, 12, 13])).toEqual([null, null, 'ALARM'])
    // a period at the threshold breaks the streak: three more are needed
    expect(run(rule, [11, 12, 10, 11, 12, 13])).toEqual([null, null, null, null, null, 'ALARM'])
  })

  it('repeats only once the silence period has passed, then recovers on the first good period', () => {
    // silence 300 s = 5 periods: fires at #2, repeats at #7, recovers at #9
    expect(run(rule, [11, 11, 11, 11, 11, 11, 11, 11, 5])).toEqual([
      null,
      null,
      'ALARM',
      null,
      null,
      null,
      null,
      'REPEAT',
      'RECOVERED',
    ])
  })

  it('reports no data after as many empty periods as the rule counts, and recovers when data is back', () => {
    expect(run(rule, [null, null, null, null, 3])).toEqual([null, null, 'NO_DATA', null, 'RECOVERED'])
    // without the no-data alert a silent counter counted 0 (the alarm clears) …
    const quiet = { ...rule, noDataAlert: false }
    expect(run(quiet, [11, 11, 11, null, 5])).toEqual([null, null, 'ALARM', 'RECOVERED', null])
    // … while an unknown level neither clears nor fires
    const level = { ...quiet, counter: false }
    expect(run(level, [11, 11, 11, null, null, 5])).toEqual([null, null, 'ALARM', null, null, 'RECOVERED'])
    expect(run({ ...level, operator: '<', threshold: 1 }, [null, null, null, null])).toEqual([null, null, null, null])
  })

  it('compares relative operators as percentages against the reference period', () => {
    expect(conditionHolds('dod_up', 50, 150, 100)).toBe(true)
    expect(conditionHolds('dod_up', 50, 149, 100)).toBe(false)
    expect(conditionHolds('wow_down', 20, 80, 100)).toBe(true)
    expect(conditionHolds('pop_down', 20, 81, 100)).toBe(false)
    // no reference, or a zero one, cannot make a percentage
    expect(conditionHolds('pop_up', 10, 5, null)).toBe(false)
    expect(conditionHolds('pop_up', 10, 5, 0)).toBe(false)
    expect(conditionHolds('!=', 3, 4, null)).toBe(true)
    expect(conditionHolds('<=', 3, 3, null)).toBe(true)
  })

  it('checks the effective window in local time, also across midnight', () => {
    const at = (h: number, m: number) => new Date(2026, 0, 1, h, m).getTime() + 1
    expect(inWindow('08:00', '18:00', at(9, 0))).toBe(true)
    expect(inWindow('08:00', '18:00', at(19, 0))).toBe(false)
    expect(inWindow('22:00', '06:00', at(23, 30))).toBe(true)
    expect(inWindow('22:00', '06:00', at(12, 0))).toBe(false)
  })
})
