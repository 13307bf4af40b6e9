import { localTime } from '../alarms/message'
import type { Point } from '../metrics/series'
import { escapeHtml } from '../notify/render'
import type { logReport, Slice } from './reports'
import { REPORT_LOCALES, type ReportId } from './subscription-schema'

// Pure: a report subscription's mail — HTML with tables, inline SVG line charts and bar rows built here (no
// browser, no images fetched), and the same figures as plain text.

export type ReportData = Awaited<ReturnType<typeof logReport>>

type Section =
  | { kind: 'lines'; title: string; series: { name: string; points: Point[] }[] }
  | { kind: 'bars'; title: string; keyLabel: string; slices: Slice[] }
  | { kind: 'rows'; title: string; columns: string[]; rows: string[][] }

const COLOURS = ['#1677ff', '#fa8c16', '#52c41a', '#eb2f96']

export type MailLocale = (typeof REPORT_LOCALES)[number]
/** The node's default language for mails: the console's default. */
export const DEFAULT_MAIL_LOCALE: MailLocale = 'en-US'
/** A supported locale as it is; anything else (null, an unknown tag) the default. */
export function mailLocale(value: string | null | undefined): MailLocale {
  return (REPORT_LOCALES as readonly string[]).includes(value ?? '') ? (value as MailLocale) : DEFAULT_MAIL_LOCALE
}

const EN = {
  online: 'Devices online / offline',
  cameOnline: 'Came online',
  wentOffline: 'Went offline',
  messages: 'Messages up / down',
  up: 'Up',
  down: 'Down',
  topUp: 'Top 20 devices by messages up',
  topDown: 'Top 20 devices by messages down',
  regions: 'Online devices by region',
  unknownRegion: 'unknown',
  tslCodes: 'Thing model check errors by code',
  tslDevices: 'Top 10 devices by thing model check errors',
  apiCodes: 'API call errors by code',
  forwarding: 'Forwarded messages',
  forwarded: 'Forwarded',
  scriptCodes: 'Data script errors by code',
  scriptDevices: 'Top 10 devices by data script errors',
  subscription: 'Server subscription volume',
  subscriptionSeries: 'Messages',
  deviceErrors: 'Latest 20 device error logs',
  forwardErrors: 'Latest 20 forwarding errors',
  device: 'Device',
  region: 'Region',
  code: 'Code',
  time: 'Time',
  level: 'Level',
  module: 'Module',
  content: 'Content',
  series: 'Series',
  total: 'Total',
  peak: 'Peak per point',
  count: 'Count',
  noData: 'No data in this range.',
  noDataText: 'no data',
  seriesText: (name: string, total: string, peak: string) => `${name}: total ${total}, peak ${peak}`,
  subject: (name: string, range: string) => `[IoT Ops] Log report "${name}": ${range}`,
  heading: (name: string) => `Log report "${name}"`,
  htmlHeading: (name: string) => `Log report: ${name}`,
  rangeLine: (range: string) => `Range: ${range}`,
  product: (pk: string) => `Product: ${pk}`,
  allProducts: 'All products',
  perPoint: (min: number) => `one point per ${min} min`,
  footer: 'IoT Ops · report subscription',
}
type Text = typeof EN

const TEXT: Record<MailLocale, Text> = {
  'en-US': EN,
  'zh-CN': {
    online: '设备上线 / 下线',
    cameOnline: '上线',
    wentOffline: '下线',
    messages: '上行 / 下行消息量',
    up: '上行',
    down: '下行',
    topUp: '上行消息量 Top 20 设备',
    topDown: '下行消息量 Top 20 设备',
    regions: '在线设备地域分布',
    unknownRegion: '未知',
    tslCodes: '物模型校验错误码分布',
    tslDevices: '物模型校验错误 Top 10 设备',
    apiCodes: 'API 调用错误码分布',
    forwarding: '数据流转消息量',
    forwarded: '已流转',
    scriptCodes: '数据解析脚本错误码分布',
    scriptDevices: '数据解析脚本错误 Top 10 设备',
    subscription: '服务端订阅消息量',
    subscriptionSeries: '消息',
    deviceErrors: '最近 20 条设备错误日志',
    forwardErrors: '最近 20 条数据流转错误',
    device: '设备',
    region: '地域',
    code: '错误码',
    time: '时间',
    level: '级别',
    module: '模块',
    content: '内容',
    series: '指标',
    total: '合计',
    peak: '单点峰值',
    count: '数量',
    noData: '该时间范围内没有数据。',
    noDataText: '无数据',
    seriesText: (name, total, peak) => `${name}：合计 ${total}，峰值 ${peak}`,
    subject: (name, range) => `[IoT Ops] 日志报表“${name}”：${range}`,
    heading: (name) => `日志报表“${name}”`,
    htmlHeading: (name) => `日志报表：${name}`,
    rangeLine: (range) => `时间范围：${range}`,
    product: (pk) => `产品：${pk}`,
    allProducts: '全部产品',
    perPoint: (min) => `每 ${min} 分钟一个点`,
    footer: 'IoT Ops · 报表订阅',
  },
  'ja-JP': {
    online: 'デバイスのオンライン / オフライン',
    cameOnline: 'オンライン',
    wentOffline: 'オフライン',
    messages: '上り / 下りメッセージ数',
    up: '上り',
    down: '下り',
    topUp: '上りメッセージ数 上位 20 デバイス',
    topDown: '下りメッセージ数 上位 20 デバイス',
    regions: 'オンラインデバイスの地域別分布',
    unknownRegion: '不明',
    tslCodes: 'モデル定義チェックエラー（コード別）',
    tslDevices: 'モデル定義チェックエラー 上位 10 デバイス',
    apiCodes: 'API 呼び出しエラー（コード別）',
    forwarding: 'データ転送メッセージ数',
    forwarded: '転送済み',
    scriptCodes: 'データ解析スクリプトエラー（コード別）',
    scriptDevices: 'データ解析スクリプトエラー 上位 10 デバイス',
    subscription: 'サーバー側サブスクリプションのメッセージ数',
    subscriptionSeries: 'メッセージ',
    deviceErrors: '最新 20 件のデバイスエラーログ',
    forwardErrors: '最新 20 件のデータ転送エラー',
    device: 'デバイス',
    region: '地域',
    code: 'コード',
    time: '時刻',
    level: 'レベル',
    module: 'モジュール',
    content: '内容',
    series: '系列',
    total: '合計',
    peak: '1 点あたりの最大',
    count: '件数',
    noData: 'この期間のデータはありません。',
    noDataText: 'データなし',
    seriesText: (name, total, peak) => `${name}：合計 ${total}、最大 ${peak}`,
    subject: (name, range) => `[IoT Ops] ログレポート「${name}」：${range}`,
    heading: (name) => `ログレポート「${name}」`,
    htmlHeading: (name) => `ログレポート：${name}`,
    rangeLine: (range) => `期間：${range}`,
    product: (pk) => `製品：${pk}`,
    allProducts: 'すべての製品',
    perPoint: (min) => `${min} 分ごとに 1 点`,
    footer: 'IoT Ops · レポート配信',
  },
}

/** The sections of the chosen reports, in the order of the report set. */
export function reportSections(
  ids: readonly ReportId[],
  r: ReportData,
  locale: MailLocale = DEFAULT_MAIL_LOCALE,
): Section[] {
  const T: Text = TEXT[locale]
  const chosen = new Set(ids)
  const all: [ReportId, Section][] = [
    [
      'online',
      {
        kind: 'lines',
        title: T.online,
        series: [
          { name: T.cameOnline, points: r.online },
          { name: T.wentOffline, points: r.offline },
        ],
      },
    ],
    [
      'messages',
      {
        kind: 'lines',
        title: T.messages,
        series: [
          { name: T.up, points: r.up },
          { name: T.down, points: r.down },
        ],
      },
    ],
    ['topUp', { kind: 'bars', title: T.topUp, keyLabel: T.device, slices: r.topUpDevices }],
    ['topDown', { kind: 'bars', title: T.topDown, keyLabel: T.device, slices: r.topDownDevices }],
    [
      'regions',
      {
        kind: 'bars',
        title: T.regions,
        keyLabel: T.region,
        slices: r.onlineByRegion.map((s) => ({ key: s.key || T.unknownRegion, value: s.value })),
      },
    ],
    ['tslCodes', { kind: 'bars', title: T.tslCodes, keyLabel: T.code, slices: r.tslErrorCodes }],
    [
      'tslDevices',
      {
        kind: 'bars',
        title: T.tslDevices,
        keyLabel: T.device,
        slices: r.tslErrorDevices,
      },
    ],
    ['apiCodes', { kind: 'bars', title: T.apiCodes, keyLabel: T.code, slices: r.apiErrorCodes }],
    ['forwarding', { kind: 'lines', title: T.forwarding, series: [{ name: T.forwarded, points: r.forwardVolume }] }],
    ['scriptCodes', { kind: 'bars', title: T.scriptCodes, keyLabel: T.code, slices: r.scriptErrorCodes }],
    ['scriptDevices', { kind: 'bars', title: T.scriptDevices, keyLabel: T.device, slices: r.scriptErrorDevices }],
    [
      'subscription',
      {
        kind: 'lines',
        title: T.subscription,
        series: [{ name: T.subscriptionSeries, points: r.subscriptionVolume }],
      },
    ],
    [
      'deviceErrors',
      {
        kind: 'rows',
        title: T.deviceErrors,
        columns: [T.time, T.device, T.level, T.module, T.code, T.content],
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
        title: T.forwardErrors,
        columns: [T.time, T.content],
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

function htmlSection(T: Text, s: Section, from: number, to: number): string {
  const head = `<h3 style="font-size:15px;margin:20px 0 8px">${escapeHtml(s.title)}</h3>`
  if (s.kind === 'lines') {
    const rows = s.series
      .map(
        (x, i) =>
          `<tr><td ${TD}><span style="color:${COLOURS[i % COLOURS.length]}">■</span> ${escapeHtml(x.name)}</td><td ${TD}>${fmt(total(x.points))}</td><td ${TD}>${fmt(peak(x.points))}</td></tr>`,
      )
      .join('')
    return `${head}${svgLines(s.series, from, to)}<table style="border-collapse:collapse;font-size:13px"><tr><th ${TH}>${escapeHtml(T.series)}</th><th ${TH}>${escapeHtml(T.total)}</th><th ${TH}>${escapeHtml(T.peak)}</th></tr>${rows}</table>`
  }
  if (s.kind === 'bars') {
    if (s.slices.length === 0) return `${head}<p style="color:#8c8c8c;margin:0">${escapeHtml(T.noData)}</p>`
    const max = Math.max(1, ...s.slices.map((x) => x.value))
    const rows = s.slices
      .map(
        (x) =>
          `<tr><td ${TD}>${escapeHtml(x.key)}</td><td ${TD} width="240"><div style="background:#1677ff;height:12px;width:${Math.max(2, Math.round((x.value / max) * 220))}px"></div></td><td ${TD}>${fmt(x.value)}</td></tr>`,
      )
      .join('')
    return `${head}<table style="border-collapse:collapse;font-size:13px"><tr><th ${TH}>${escapeHtml(s.keyLabel)}</th><th ${TH}></th><th ${TH}>${escapeHtml(T.count)}</th></tr>${rows}</table>`
  }
  if (s.rows.length === 0) return `${head}<p style="color:#8c8c8c;margin:0">${escapeHtml(T.noData)}</p>`
  const cols = s.columns.map((c) => `<th ${TH}>${escapeHtml(c)}</th>`).join('')
  const rows = s.rows.map((r) => `<tr>${r.map((c) => `<td ${TD}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')
  return `${head}<table style="border-collapse:collapse;font-size:13px"><tr>${cols}</tr>${rows}</table>`
}

function textSection(T: Text, s: Section): string {
  const lines = [s.title]
  if (s.kind === 'lines')
    for (const x of s.series) lines.push(`  ${T.seriesText(x.name, fmt(total(x.points)), fmt(peak(x.points)))}`)
  else if (s.kind === 'bars')
    lines.push(...(s.slices.length ? s.slices.map((x) => `  ${x.key}: ${fmt(x.value)}`) : [`  ${T.noDataText}`]))
  else lines.push(...(s.rows.length ? s.rows.map((r) => `  ${r.join(' | ')}`) : [`  ${T.noDataText}`]))
  return lines.join('\n')
}

/**
 * The subject, plain text and HTML of one report mail, in `locale` (default: the node's default, en-US). The mail
 * names the product its figures cover (`productKey`; the data must already be scoped to it) or says all products.
 */
export function renderReportMail(a: {
  name: string
  reports: readonly ReportId[]
  from: Date
  to: Date
  data: ReportData
  locale?: MailLocale
  productKey?: string | null
}) {
  const locale = a.locale ?? DEFAULT_MAIL_LOCALE
  const T = TEXT[locale]
  const from = a.from.getTime()
  const to = a.to.getTime()
  const range = `${localTime(from)} – ${localTime(to)}`
  const scope = a.productKey ? T.product(a.productKey) : T.allProducts
  const sections = reportSections(a.reports, a.data, locale)
  const subject = T.subject(a.name, `${localTime(from).slice(0, 16)} – ${localTime(to).slice(0, 16)}`)
  const text = [T.heading(a.name), `${T.rangeLine(range)}\n${scope}`, ...sections.map((x) => textSection(T, x))].join(
    '\n\n',
  )
  const html = [
    `<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;color:#262626;max-width:720px">`,
    `<h2 style="margin:0 0 4px;font-size:18px">${escapeHtml(T.htmlHeading(a.name))}</h2>`,
    `<p style="margin:0 0 8px;color:#8c8c8c">${escapeHtml(`${range} · ${scope} · ${T.perPoint(a.data.granularity)}`)}</p>`,
    ...sections.map((x) => htmlSection(T, x, from, to)),
    `<p style="margin-top:24px;color:#8c8c8c;font-size:12px">${escapeHtml(T.footer)}</p>`,
    '</body></html>',
  ].join('')
  return { subject, text, html }
}
