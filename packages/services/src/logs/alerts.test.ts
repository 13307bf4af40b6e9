import { describe, expect, it } from 'vitest'
import { INITIAL_STATE } from '../alarms/evaluate'
import { firstNumber, stepLog } from './alerts'

const spec = { operator: '>=' as const, threshold: 3, periods: 1, silenceSeconds: 300 }
const p = (i: number, outcome: Parameters<typeof stepLog>[2]['outcome']) => ({
  start: i * 60_000,
  end: (i + 1) * 60_000,
  outcome,
})
const ok = (value: number) => ({ value, error: null })
const failed = (error: string) => ({ value: null, error })

describe('firstNumber', () => {
  it('takes the first numeric value of the first row, 0 for no rows, and refuses a row without numbers', () => {
    const cols = [
      { name: 'device', kind: 'text' as const },
      { name: 'n', kind: 'number' as const },
    ]
    expect(
      firstNumber({
        columns: cols,
        rows: [
          ['d1', 7],
          ['d2', 9],
        ],
      }),
    ).toEqual({ value: 7, error: null })
    expect(firstNumber({ columns: cols, rows: [] })).toEqual({ value: 0, error: null })
    expect(firstNumber({ columns: cols, rows: [['d1', 'x']] })).toEqual({
      value: null,
      error: expect.stringContaining('no numeric column (columns: device, n)'),
    })
  })
})

describe('stepLog', () => {
  it('announces a failing query at once as NO_DATA, only once, and recovers when it works again', () => {
    let r = stepLog(spec, INITIAL_STATE, p(0, failed('timeout')))
    expect([r.transition, r.state.state]).toEqual(['NO_DATA', 'NO_DATA'])
    r = stepLog(spec, r.state, p(1, failed('timeout')))
    expect([r.transition, r.state.state]).toEqual([null, 'NO_DATA'])
    r = stepLog(spec, r.state, p(2, ok(1)))
    expect([r.transition, r.state.state]).toEqual(['RECOVERED', 'OK'])
  })

  it('a failure while alarming is reported, and a number over the threshold afterwards alarms again', () => {
    let r = stepLog(spec, INITIAL_STATE, p(0, ok(5)))
    expect(r.transition).toBe('ALARM')
    r = stepLog(spec, r.state, p(1, failed('the saved query of this rule was deleted')))
    expect(r.transition).toBe('NO_DATA')
    r = stepLog(spec, r.state, p(2, ok(4)))
    expect([r.transition, r.state.state]).toEqual(['ALARM', 'ALARM'])
  })

  it('never treats a failed period as OK: an OK rule goes to NO_DATA, not stays OK', () => {
    const r = stepLog(spec, INITIAL_STATE, p(0, failed('x')))
    expect(r.state.state).not.toBe('OK')
  })
})
