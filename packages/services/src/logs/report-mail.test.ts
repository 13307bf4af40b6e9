import { describe, expect, it } from 'vitest'
import { mailLocale, type ReportData, renderReportMail } from './report-mail'

const from = new Date('2026-11-24T09:00:00Z')
const to = new Date('2026-11-24T10:00:00Z')
const data = {
  granularity: 1,
  online: [{ ts: from.getTime(), value: 2 }],
  offline: [],
  up: [
    { ts: from.getTime(), value: 3 },
    { ts: from.getTime() + 60_000, value: 5 },
  ],
  down: [],
  onlineByRegion: [{ key: '', value: 4 }],
  topUpDevices: [
    { key: 'dev<1>', value: 8 },
    { key: 'dev2', value: 2 },
  ],
  topDownDevices: [],
  tslErrorCodes: [{ key: '6306', value: 2 }],
  tslErrorDevices: [],
  apiErrorCodes: [],
  latestDeviceErrors: [
    {
      ts: from,
      productKey: 'pk',
      deviceName: 'd',
      level: 'ERROR',
      module: 'wifi',
      code: null,
      content: 'link <lost>',
    },
  ],
  scriptErrorCodes: [],
  scriptErrorDevices: [],
  subscriptionVolume: [],
  forwardVolume: [],
  latestForwardErrors: [],
} as unknown as ReportData

describe('renderReportMail', () => {
  it('renders only the chosen reports, with figures, charts and escaped text', () => {
    const m = renderReportMail({ name: 'Ops <daily>', reports: ['messages', 'topUp', 'deviceErrors'], from, to, data })
    expect(m.subject).toContain('Log report "Ops <daily>"')
    expect(m.html).toContain('Log report: Ops &lt;daily&gt;')
    // messages: a line chart and the totals (8 up), peak 5
    expect(m.html).toContain('<polyline')
    expect(m.html).toMatch(/■<\/span> Up<\/td><td[^>]*>8<\/td><td[^>]*>5<\/td>/)
    // top devices as bar rows, the largest bar the widest
    expect(m.html).toContain('dev&lt;1&gt;')
    expect(m.html).toContain('width:220px')
    expect(m.html).toContain('link &lt;lost&gt;')
    expect(m.html).not.toContain('6306')
    expect(m.text).toContain('Up: total 8, peak 5')
    expect(m.text).toContain('dev<1>: 8')
  })
  it('says so when a chosen report has no data', () => {
    const m = renderReportMail({ name: 'x', reports: ['apiCodes'], from, to, data })
    expect(m.html).toContain('No data in this range.')
    expect(m.text).toContain('no data')
  })
  it('is written in the chosen language, and names the product it covers', () => {
    const zh = renderReportMail({
      name: '日报',
      reports: ['messages', 'apiCodes'],
      from,
      to,
      data,
      locale: 'zh-CN',
      productKey: 'pk1',
    })
    expect(zh.subject).toMatch(/^\[IoT Ops\] 日志报表“日报”：/)
    expect(zh.html).toContain('<html lang="zh-CN">')
    expect(zh.html).toContain('上行 / 下行消息量')
    expect(zh.html).toContain('产品：pk1')
    expect(zh.html).toContain('该时间范围内没有数据。')
    expect(zh.text).toContain('上行：合计 8，峰值 5')
    expect(zh.html).not.toMatch(/Messages up|No data|Series|Total/)

    const ja = renderReportMail({ name: 'daily', reports: ['topUp', 'regions'], from, to, data, locale: 'ja-JP' })
    expect(ja.subject).toContain('ログレポート「daily」')
    expect(ja.html).toContain('上りメッセージ数 上位 20 デバイス')
    expect(ja.html).toContain('すべての製品')
    // a device's region not known: said in the mail's language
    expect(ja.html).toContain('>不明</td>')
    expect(ja.html).toContain(
      '<th style="text-align:left;padding:4px 8px;border-bottom:1px solid #f0f0f0;color:#595959;font-weight:600">件数</th>',
    )

    const en = renderReportMail({ name: 'x', reports: ['online'], from, to, data })
    expect(en.html).toContain('<html lang="en-US">')
    expect(en.text).toContain('All products')
  })
  it('falls back to the default language for an unknown or missing locale', () => {
    expect(mailLocale('zh-CN')).toBe('zh-CN')
    expect(mailLocale('fr-FR')).toBe('en-US')
    expect(mailLocale(null)).toBe('en-US')
    expect(mailLocale(undefined)).toBe('en-US')
  })
})
