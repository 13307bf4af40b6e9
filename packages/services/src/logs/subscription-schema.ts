import { z } from 'zod'

// Report subscriptions: which reports of the log service's report set are mailed, over what range, how often.
// Pure zod and pure time arithmetic (the console's form uses both).

/** The report set (the Reports tab's cards), by id. */
export const REPORT_IDS = [
  'online',
  'messages',
  'topUp',
  'topDown',
  'regions',
  'tslCodes',
  'tslDevices',
  'apiCodes',
  'forwarding',
  'scriptCodes',
  'scriptDevices',
  'subscription',
  'deviceErrors',
  'forwardErrors',
] as const
export type ReportId = (typeof REPORT_IDS)[number]

/** The range a mail covers, in minutes: the last hour, 6 hours, day or week. */
export const REPORT_RANGES = [60, 360, 1440, 10080] as const
/** The languages a report mail is written in: the console's three. */
export const REPORT_LOCALES = ['en-US', 'zh-CN', 'ja-JP'] as const
export type ReportLocale = (typeof REPORT_LOCALES)[number]
export const REPORT_FREQUENCIES = ['hourly', 'daily', 'weekly'] as const
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number]

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:mm, e.g. 08:30')

export const ZReportSubscriptionInput = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}_ -]{1,64}$/u, 'use 1–64 letters, digits, spaces, _ or -'),
    reports: z
      .array(z.enum(REPORT_IDS))
      .min(1, 'choose at least one report')
      .max(REPORT_IDS.length)
      .refine((r) => new Set(r).size === r.length, 'a report is chosen twice'),
    rangeMinutes: z
      .number()
      .int()
      .refine((m) => (REPORT_RANGES as readonly number[]).includes(m), 'choose one of the offered ranges'),
    frequency: z.enum(REPORT_FREQUENCIES),
    /** hourly: the minute past each hour (HH is ignored); daily / weekly: the time of day, server time zone */
    at: hhmm.default('09:00'),
    /** weekly: 1 (Monday) – 7 (Sunday) */
    weekday: z
      .number()
      .int()
      .min(1, 'choose a day of the week')
      .max(7, 'choose a day of the week')
      .nullable()
      .default(null),
    contactGroupIds: z.array(z.string().uuid()).min(1, 'choose at least one contact group').max(20),
    /** the product the reports cover; null: all products */
    productKey: z.string().trim().min(1).max(64).nullable().default(null),
    /** the mail's language; null: the node's default (en-US) */
    locale: z.enum(REPORT_LOCALES).nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .refine((s) => s.frequency !== 'weekly' || s.weekday !== null, {
    message: 'a weekly report needs a day of the week',
    path: ['weekday'],
  })
export type TReportSubscriptionInput = z.infer<typeof ZReportSubscriptionInput>

export const ZUpdateReportSubscription = z.object({ id: z.string().uuid(), subscription: ZReportSubscriptionInput })

/**
 * The first send time strictly after `after` (epoch ms), in the server's local time: hourly at minute mm of every
 * hour; daily at HH:mm; weekly on `weekday` (1 = Monday … 7 = Sunday) at HH:mm.
 */
export function nextRun(s: { frequency: ReportFrequency; at: string; weekday: number | null }, after: number): Date {
  const hh = Number(s.at.slice(0, 2))
  const mm = Number(s.at.slice(3, 5))
  const d = new Date(after)
  d.setSeconds(0, 0)
  if (s.frequency === 'hourly') {
    d.setMinutes(mm)
    while (d.getTime() <= after) d.setHours(d.getHours() + 1)
    return d
  }
  d.setHours(hh, mm, 0, 0)
  if (s.frequency === 'daily') {
    while (d.getTime() <= after) d.setDate(d.getDate() + 1)
    return d
  }
  // weekly: JavaScript's getDay() is 0 for Sunday
  const want = (s.weekday ?? 1) % 7
  while (d.getDay() !== want || d.getTime() <= after) d.setDate(d.getDate() + 1)
  return d
}
