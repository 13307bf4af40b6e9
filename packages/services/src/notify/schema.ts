import { z } from 'zod'
import { ZPage } from '../paging'

// Pure zod: contacts, contact groups and the console inbox. Nothing here may import I/O.

export const NOTIFY_CHANNELS = ['email', 'webhook', 'dingtalk', 'console'] as const
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number]
/** Channels sent by the worker (console rows are the inbox and are final when written). */
export type SentChannel = Exclude<NotifyChannel, 'console'>
export const NOTIFY_STATUSES = ['PENDING', 'SENT', 'FAILED', 'COALESCED'] as const
export type NotifyStatus = (typeof NOTIFY_STATUSES)[number]
export const ALARM_LEVELS = ['CRITICAL', 'WARNING', 'INFO'] as const
export type AlarmLevel = (typeof ALARM_LEVELS)[number]
export const ALARM_STATES = ['ALARM', 'REPEAT', 'RECOVERED', 'NO_DATA'] as const
export type AlarmState = (typeof ALARM_STATES)[number]

export const ZNotifyName = z.string().trim().min(1, 'a name has 1–64 characters').max(64, 'a name has 1–64 characters')

export const ZContactEmail = z.string().trim().max(254, 'an e-mail address has at most 254 characters').email({
  message: 'enter an e-mail address such as ops@example.com',
})
export const ZContactPhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,30}$/, 'a phone number has 5–32 digits, optionally with a leading +, spaces or -')

/** An http(s) URL (a webhook receiver or a DingTalk robot); anything else is refused. */
export const ZHttpUrl = z
  .string()
  .trim()
  .max(2048, 'a URL has at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v)
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
    } catch {
      return false
    }
  }, 'enter an http:// or https:// URL')

export const ZDingtalkSecret = z
  .string()
  .trim()
  .min(1)
  .max(128, 'a DingTalk secret has at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'a DingTalk secret is printable ASCII without spaces (it starts with SEC)')

export const ZCreateContactInput = z.object({
  name: ZNotifyName,
  email: ZContactEmail.optional(),
  phone: ZContactPhone.optional(),
})
export type TCreateContactInput = z.infer<typeof ZCreateContactInput>

/** An edit: omitted fields stay as they are; `null` clears e-mail or phone. */
export const ZUpdateContactInput = z.object({
  id: z.string().uuid(),
  name: ZNotifyName.optional(),
  email: ZContactEmail.nullable().optional(),
  phone: ZContactPhone.nullable().optional(),
})
export type TUpdateContactInput = z.infer<typeof ZUpdateContactInput>

export const ZListContactsInput = ZPage.extend({
  /** part of the name, e-mail or phone */
  keyword: z.string().trim().max(64).optional(),
})
export type TListContactsInput = z.infer<typeof ZListContactsInput>

export const ZCreateContactGroupInput = z.object({
  name: ZNotifyName,
  description: z.string().trim().max(256, 'a description has at most 256 characters').optional(),
  contactIds: z.array(z.string().uuid()).max(500, 'at most 500 contacts per group').default([]),
  webhookUrl: ZHttpUrl.optional(),
  dingtalkUrl: ZHttpUrl.optional(),
  /** write-only: stored, never returned */
  dingtalkSecret: ZDingtalkSecret.optional(),
  console: z.boolean().default(true),
})
export type TCreateContactGroupInput = z.input<typeof ZCreateContactGroupInput>

/**
 * An edit: omitted fields stay as they are; `null` clears a URL. The DingTalk secret is write-only: omitted or
 * empty keeps the stored one, `null` removes it.
 */
export const ZUpdateContactGroupInput = z.object({
  id: z.string().uuid(),
  name: ZNotifyName.optional(),
  description: z.string().trim().max(256, 'a description has at most 256 characters').nullable().optional(),
  contactIds: z.array(z.string().uuid()).max(500, 'at most 500 contacts per group').optional(),
  webhookUrl: ZHttpUrl.nullable().optional(),
  dingtalkUrl: ZHttpUrl.nullable().optional(),
  dingtalkSecret: z
    .union([z.literal(''), ZDingtalkSecret])
    .nullable()
    .optional(),
  console: z.boolean().optional(),
})
export type TUpdateContactGroupInput = z.infer<typeof ZUpdateContactGroupInput>

export const ZListContactGroupsInput = ZPage.extend({
  keyword: z.string().trim().max(64).optional(),
})
export type TListContactGroupsInput = z.infer<typeof ZListContactGroupsInput>

export const ZInboxListInput = ZPage.extend({
  unreadOnly: z.boolean().default(false),
  level: z.enum(ALARM_LEVELS).optional(),
})
export type TInboxListInput = z.infer<typeof ZInboxListInput>

export const ZMarkReadInput = z.object({ ids: z.array(z.string().uuid()).min(1).max(500) })

export const ZDeliveryStatusInput = z.object({ ids: z.array(z.string().uuid()).min(1).max(50) })
