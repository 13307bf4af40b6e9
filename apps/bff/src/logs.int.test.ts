import { searchDeviceLogs, searchRunLog } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { startTestNode } from './testing'

let node: RunningNode
beforeAll(async () => {
  node = await startTestNode()
})
afterAll(() => node?.close())

describe('log search: filters and keyset pages', () => {
  it('pages the run log newest first without gaps or repeats, and filters by status and keyword', async () => {
    const base = Date.now() - 60_000
    for (let i = 0; i < 7; i++)
      await node.hub.record({
        ts: new Date(base + i * 1000),
        productKey: 'pkPaging',
        deviceName: 'dev1',
        traceId: `trace${i}`,
        messageId: null,
        bizType: 'uplink',
        operation: `/sys/pkPaging/dev1/thing/event/op${i}/post`,
        code: i === 4 ? 6306 : 200,
        content: JSON.stringify({ Content: i === 2 ? 'sensor overheated' : 'fine' }),
      })
    const seen: string[] = []
    let cursor: string | undefined
    const sizes: number[] = []
    do {
      const page = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'all', limit: 3, cursor })
      sizes.push(page.items.length)
      seen.push(...page.items.map((r) => r.traceId))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(sizes).toEqual([3, 3, 1])
    expect(seen).toEqual(['trace6', 'trace5', 'trace4', 'trace3', 'trace2', 'trace1', 'trace0'])

    const failed = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'failure', limit: 50 })
    expect(failed.items.map((r) => r.code)).toEqual([6306])
    const kw = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'all', keyword: 'overheated', limit: 50 })
    expect(kw.items.map((r) => r.traceId)).toEqual(['trace2'])
    // a window before the records finds nothing
    const early = await searchRunLog(node.db, {
      productKey: 'pkPaging',
      status: 'all',
      limit: 50,
      from: new Date(base - 3_600_000),
      to: new Date(base - 1000),
    })
    expect(early.items).toEqual([])
  })

  it('matches device-log keywords literally: % and _ are not wildcards', async () => {
    const at = new Date()
    for (const content of ['battery 50% left', 'battery 500 mV', 'temp_1 ok', 'temp21 ok'])
      node.hub.deviceLogs.push({
        ts: at,
        productKey: 'pkLike',
        deviceName: 'd',
        utcTime: null,
        level: 'INFO',
        module: 'power',
        code: null,
        traceId: null,
        content,
      })
    await node.hub.deviceLogs.flush()
    const find = async (keyword: string) =>
      (await searchDeviceLogs(node.db, { productKey: 'pkLike', keyword, limit: 50 })).items.map((r) => r.content)
    expect(await find('50%')).toEqual(['battery 50% left'])
    expect(await find('temp_1')).toEqual(['temp_1 ok'])
    expect(await find('BATTERY')).toHaveLength(2)
  })
})
