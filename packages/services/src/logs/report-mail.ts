import { localTime } from '../alarms/message'
import type { Point } from '../metrics/series'
import { escapeHtml } from '../notify/render'
import type { logReport, Slice } from './reports'
import type { ReportId } from './subscription-schema'

// Pure: a report subscription's mail — HTML with tables, inline SVG line charts and bar rows built here (no
// browser, no images fetched), and the same figures as plain text.

export type ReportData = Awaited<ReturnType<typeof logReport>>

type Section =
  | { kind: 'lines'; title: string; series: { name: string; points: Point[] }[] }
  | { kind: 'bars'; title: string; keyLabel: string; slices: Slice[] }
  | { kind: 'rows'; title: string; columns: string[]; rows: string[][] }

const COLOURS = ['#1677ff', '#fa8c16', '#52c41a', '#eb2f96']

/** The sections of the chosen reports, in the order of the report set. */
export function reportSections(ids: readonly ReportId[], r: ReportData): Section[] {
  const chosen = new Set(ids)
  const all: [ReportId, Section][] = [
    [
      'online',
      {
        kind: 'lines',
        title: 'Devices online / offline',
        series: [
          { name: 'Came online', points: r.online },
          { name: 'Went offline', points: r.offline },
        ],
      },
    ],
    [
      'messages',
      {
        kind: 'lines',
        title: 'Messages up / down',
        series: [
          { name: 'Up', points: r.up },
          { name: 'Down', points: r.down },
        ],
      },
    ],
    ['topUp', { kind: 'bars', title: 'Top 20 devices by messages up', keyLabel: 'Device', slices: r.topUpDevices }],
    [
      'topDown',
      { kind: 'bars', title: 'Top 20 devices by messages down', keyLabel: 'Device', slices: r.topDownDevices },
    ],
    [
      'regions',
      {
        kind: 'bars',
        title: 'Online devices by region',
        keyLabel: 'Region',
        slices: r.onlineByRegion.map((s) => ({ key: s.key || 'unknown', value: s.value })),
      },
    ],
    [
      'tslCodes',
      { kind: 'bars', title: 'Thing model check errors by code', keyLabel: 'Code', slices: r.tslErrorCodes },
    ],
    [
      'tslDevices',
      {
        kind: 'bars',
        title: 'Top 10 devices by thing model check errors',
        keyLabel: 'Device',
        slices: r.tslErrorDevices,
      },
    ],
    ['apiCodes', { kind: 'bars', title: 'API call errors by code', keyLabel: 'Code', slices: r.apiErrorCodes }],
    [
      'forwarding',
      { kind: 'lines', title: 'Forwarded messages', series: [{ name: 'Forwarded', points: r.forwardVolume }] },
    ],
    [
      'scriptCodes',
      { kind: 'bars', title: 'Data script errors by code', keyLabel: 'Code', slices: r.scriptErrorCodes },
    ],
    [
      'scriptDevices',
      { kind: 'bars', title: 'Top 10 devices by data script errors', keyLabel: 'Device', slices: r.scriptErrorDevices },
    ],
    [
      'subscription',
      {
        kind: 'lines',
        title: 'Server subscription volume',
        series: [{ name: 'Messages', points: r.subscriptionVolume }],
      },
    ],
    [
      'deviceErrors',
      {
        kind: 'rows',
        title: 'Latest 20 device error logs',
        columns: ['Time', 'Device', 'Level', 'Module', 'Code', 'Content'],
        rows: r.latestDeviceErrors.map((e) => [
          localTime(e.ts.getTime()),
          `${e.productKey}/${e.deviceName}`,
          e.level,
          e.module,
          e.code ?? '',
          e.content,
        ]),
      },
    ],
    [
      'forwardErrors',
      {
        kind: 'rows',
        title: 'Latest 20 forwarding errors',
        columns: ['Time', 'Content'],
        rows: r.latestForwardErrors.map((e) => [localTime(e.ts.getTime()), e.content]),
      },
    ],
  ]
  return all.filter(([id]) => chosen.has(id)).map(([, s]) => s)
}

const total = (p: Point[]) => p.reduce((a, x) => a + x.value, 0)
const peak = (p: Point[]) => p.reduce((a, x) => Math.max(a, x.value), 0)
const fmt = (n: number) => String(Math.round(n * 100) / 100)

/** An inline SVG line chart of one or more series over [from, to). */
export function svgLines(series: { name: string; points: Point[] }[], from: number, to: number): string {
  const W = 560
  const H = 160
  const P = { l: 36, r: 8, t: 8, b: 20 }
  const max = Math.max(1, ...series.map((s) => peak(s.points)))
  const x = (ts: number) => P.l + ((ts - from) / Math.max(1, to - from)) * (W - P.l - P.r)
  const y = (v: number) => H - P.b - (v / max) * (H - P.t - P.b)
  const lines = series.map((s, i) => {
    const pts = [...s.points].sort((a, b) => a.ts - b.ts).map((p) => `${fmt(x(p.ts))},${fmt(y(p.value))}`)
    const colour = COLOURS[i % COLOURS.length]
    return pts.length === 1
      ? `<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="3" fill="${colour}"/>`
      : `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">`,
    `<line x1="${P.l}" y1="${H - P.b}" x2="${W - P.r}" y2="${H - P.b}" stroke="#d9d9d9"/>`,
    `<line x1="${P.l}" y1="${P.t}" x2="${P.l}" y2="${H - P.b}" stroke="#d9d9d9"/>`,
    `<text x="${P.l - 4}" y="${P.t + 10}" font-size="10" text-anchor="end" fill="#8c8c8c">${fmt(max)}</text>`,
    `<text x="${P.l - 4}" y="${H - P.b}" font-size="10" text-anchor="end" fill="#8c8c8c">0</text>`,
    `<text x="${P.l}" y="${H - 4}" font-size="10" fill="#8c8c8c">${escapeHtml(localTime(from).slice(5, 16))}</text>`,
    `<text x="${W - P.r}" y="${H - 4}" font-size="10" text-anchor="end" fill="#8c8c8c">${escapeHtml(localTime(to).slice(5, 16))}</text>`,
    ...lines,
    '</svg>',
  ].join('')
}

const TH = 'style="text-align:left;padding:4px 8px;border-bottom:1px solid #f0f0f0;color:#595959;font-weight:600"'
const TD = 'style="padding:4px 8px;border-bottom:1px solid #f0f0f0;vertical-align:top"'

function htmlSection(s: Section, from: number, to: number): string {
  const head = `<h3 style="font-size:15px;margin:20px 0 8px">${escapeHtml(s.title)}</h3>`
  if (s.kind === 'lines') {
    const rows = s.series
      .map(
        (x, i) =>
          `<tr><td ${TD}><span style="color:${COLOURS[i % COLOURS.length]}">■</span> ${escapeHtml(x.name)}</td><td ${TD}>${fmt(total(x.points))}</td><td ${TD}>${fmt(peak(x.points))}</td></tr>`,
      )
      .join('')
    return `${head}${svgLines(s.series, from, to)}<table style="border-collapse:collapse;font-size:13px"><tr><th ${TH}>Series</th><th ${TH}>Total</th><th ${TH}>Peak per point</th></tr>${rows}</table>`
  }
  if (s.kind === 'bars') {
    if (s.slices.length === 0) return `${head}<p style="color:#8c8c8c;margin:0">No data in this range.</p>`
    const max = Math.max(1, ...s.slices.map((x) => x.value))
    const rows = s.slices
      .map(
        (x) =>
          `<tr><td ${TD}>${escapeHtml(x.key)}</td><td ${TD} width="240"><div style="background:#1677ff;height:12px;width:${Math.max(2, Math.round((x.value / max) * 220))}px"></div></td><td ${TD}>${fmt(x.value)}</td></tr>`,
      )
      .join('')
    return `${head}<table style="border-collapse:collapse;font-size:13px"><tr><th ${TH}>${escapeHtml(s.keyLabel)}</th><th ${TH}></th><th ${TH}>Count</th></tr>${rows}</table>`
  }
  if (s.rows.length === 0) return `${head}<p style="color:#8c8c8c;margin:0">No data in this range.</p>`
  const cols = s.columns.map((c) => `<th ${TH}>${escapeHtml(c)}</th>`).join('')
  const rows = s.rows.map((r) => `<tr>${r.map((c) => `<td ${TD}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')
  return `${head}<table style="border-collapse:collapse;font-size:13px"><tr>${cols}</tr>${rows}</table>`
}

function textSection(s: Section): string {
  const lines = [s.title]
  if (s.kind === 'lines')
    for (const x of s.series) lines.push(`  ${x.name}: total ${fmt(total(x.points))}, peak ${fmt(peak(x.points))}`)
  else if (s.kind === 'bars')
    lines.push(...(s.slices.length ? s.slices.map((x) => `  ${x.key}: ${fmt(x.value)}`) : ['  no data']))
  else lines.push(...(s.rows.length ? s.rows.map((r) => `  ${r.join(' | ')}`) : ['  no data']))
  return lines.join('\n')
}

/** The subject, plain text and HTML of one report mail. */
export function renderReportMail(a: {
  name: string
  reports: readonly ReportId[]
  from: Date
  to: Date
  data: ReportData
}) {
  const from = a.from.getTime()
  const to = a.to.getTime()
  const range = `${localTime(from)} – ${localTime(to)}`
  const sections = reportSections(a.reports, a.data)
  const subject = `[IoT Ops] Log report "${a.name}": ${localTime(from).slice(0, 16)} – ${localTime(to).slice(0, 16)}`
  const text = [`Log report "${a.name}"`, `Range: ${range}`, '', ...sections.map(textSection)].join('\n\n')
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#262626;max-width:720px">',
    `<h2 style="margin:0 0 4px;font-size:18px">Log report: ${escapeHtml(a.name)}</h2>`,
    `<p style="margin:0 0 8px;color:#8c8c8c">${escapeHtml(range)} · one point per ${a.data.granularity} min</p>`,
    ...sections.map((s) => htmlSection(s, from, to)),
    '<p style="margin-top:24px;color:#8c8c8c;font-size:12px">IoT Ops · report subscription</p>',
    '</body></html>',
  ].join('')
  return { subject, text, html }
}
