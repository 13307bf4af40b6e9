import { describe, expect, it } from 'vitest'
import { type ReportData, renderReportMail } from './report-mail'

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
})
