import { describe, expect, it } from 'vitest'
import { formatSize, lineDiff } from './diff'

describe('lineDiff', () => {
  it('marks removed and added lines and keeps the rest in order', () => {
    const d = lineDiff('{\n  "a": 1,\n  "b": 2\n}', '{\n  "a": 1,\n  "b": 3,\n  "c": 4\n}')
    expect(d.map((l) => `${l.op}${l.text}`)).toEqual([' {', '   "a": 1,', '-  "b": 2', '+  "b": 3,', '+  "c": 4', ' }'])
  })
  it('reports identical texts as kept lines only', () => {
    expect(lineDiff('x\ny', 'x\ny').every((l) => l.op === ' ')).toBe(true)
  })
  it('handles an empty side', () => {
    expect(lineDiff('', 'a').map((l) => l.op)).toEqual(['-', '+'])
  })
})

describe('formatSize', () => {
  it('shows bytes under 1 KB and KB above', () => {
    expect(formatSize(512)).toBe('512 B')
    expect(formatSize(65_536)).toBe('64.0 KB')
    expect(formatSize(1536)).toBe('1.50 KB')
  })
})
