import { describe, expect, it } from 'vitest'
import { checkRuleSql, ruleTopicKind } from './schema'
import { parseRuleSql, RuleSqlError, runRuleSql, topicMatches } from './sql'

const msg = {
  productKey: 'pk1',
  deviceName: 'dev1',
  topic: '/pk1/dev1/thing/event/property/post',
  messageId: '42',
  at: Date.UTC(2026, 10, 24, 13, 5, 9, 7),
}
const post = {
  items: { temperature: { value: 21.5, time: 1 }, humidity: { value: 40 } },
  list: [{ a: 1 }, { a: 2 }],
  name: 'Abc',
}

const run = (sql: string, payload: unknown = post) => runRuleSql(parseRuleSql(sql), payload, msg)

describe('rule SQL', () => {
  it('selects JSON paths, functions and aliases like the reference example', () => {
    const row = run(
      'SELECT items.temperature.value as temperature, items.humidity.value AS humidity, deviceName() as deviceName, timestamp() as time FROM "/pk1/+/thing/event/property/post"',
    )
    expect(row).toEqual({ temperature: 21.5, humidity: 40, deviceName: 'dev1', time: msg.at })
  })

  it('evaluates arithmetic, array indexes, string and math functions', () => {
    const row = run(
      "SELECT items.temperature.value * 9 / 5 + 32 AS f, list[1].a AS second, upper(name) AS up, lower(name) AS low, concat(productKey(), '/', deviceName()) AS id, substring(name, 1) AS sub, round(2.456, 2) AS r, abs(-3) AS a, topic(2) AS t2, topic() AS t, messageId() AS mid, timestamp('yyyy-MM-dd HH:mm:ss.SSS') AS ts FROM \"/pk1/+/thing/event/property/post\"",
    )
    expect(row).toEqual({
      f: 70.7,
      second: 2,
      up: 'ABC',
      low: 'abc',
      id: 'pk1/dev1',
      sub: 'bc',
      r: 2.46,
      a: 3,
      t2: 'dev1',
      t: msg.topic,
      mid: '42',
      ts: '2026-11-24 13:05:09.007',
    })
  })

  it('filters with WHERE: comparisons, AND/OR/NOT, nulls never match', () => {
    const base = 'SELECT * FROM "/pk1/+/thing/event/property/post" WHERE '
    expect(run(`${base}items.temperature.value > 20 AND NOT (name = 'x')`)).toMatchObject({ name: 'Abc' })
    expect(run(`${base}items.temperature.value > 30 OR items.humidity.value < 10`)).toBeNull()
    expect(run(`${base}items.missing.value > 0`)).toBeNull()
    expect(run(`${base}deviceName() <> 'dev2' and items.humidity.value = '40'`)).not.toBeNull()
  })

  it('fails with 9307 and the position on syntax errors and unknown functions', () => {
    const bad = (sql: string) => {
      try {
        parseRuleSql(sql)
      } catch (e) {
        expect(e).toBeInstanceOf(RuleSqlError)
        expect((e as RuleSqlError).code).toBe(9307)
        return (e as Error).message
      }
      throw new Error('parsed')
    }
    expect(bad('SELECT a FROM "/pk1/+/user/x" WHERE')).toMatch(
      /expected a value.*end of the statement \(at position 36\)/,
    )
    expect(bad('SELECT nosuch(a) AS x FROM "/pk1/+/user/x"')).toBe('unknown function nosuch() (at position 8)')
    expect(bad('SELECT a, FROM "/t"')).toMatch(/position 11/)
    expect(bad("SELECT a FROM '/t'")).toMatch(/topic in double quotes/)
    expect(bad('SELECT upper() AS u FROM "/t"')).toMatch(/takes 1 argument/)
    expect(bad('SELECT a + 1 FROM "/t"')).toMatch(/AS/)
  })

  it('reports function misuse at run time as 9307', () => {
    expect(() => run('SELECT abs(name) AS a FROM "/pk1/+/user/x"')).toThrow(/abs\(\) needs a number/)
  })

  it('matches topics and recognises the topic classes a rule can read', () => {
    expect(topicMatches('/pk1/+/thing/event/property/post', '/pk1/dev1/thing/event/property/post')).toBe(true)
    expect(topicMatches('/pk1/+/user/#', '/pk1/dev1/user/a/b')).toBe(true)
    expect(topicMatches('/pk1/dev2/user/a', '/pk1/dev1/user/a')).toBe(false)
    expect(ruleTopicKind('/pk1/+/thing/event/property/post')).toEqual({ kind: 'property', productKey: 'pk1' })
    expect(ruleTopicKind('/pk1/+/thing/event/alarm/post')).toEqual({ kind: 'event', productKey: 'pk1' })
    expect(ruleTopicKind('/as/mqtt/status/pk1/+')).toEqual({ kind: 'lifecycle', productKey: 'pk1' })
    expect(ruleTopicKind('/pk1/+/user/update')).toEqual({ kind: 'custom', productKey: 'pk1' })
    expect(ruleTopicKind('/pk1/+/thing/service/property/set')).toHaveProperty('error')
    expect(checkRuleSql('SELECT * FROM "/pk1/+/ota/x"')).toMatchObject({ ok: false, code: 9307 })
  })
})
