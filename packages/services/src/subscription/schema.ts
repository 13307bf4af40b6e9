// Browser-safe: the server-side subscription's inputs, message types and limits (forms and routers share them).
import { z } from 'zod'

/**
 * Message types a product can push to its consumer groups (reference: server-side subscription message types).
 * - property: device property posts (`/sys/{pk}/{dn}/thing/event/property/post`)
 * - event: device event posts (`/sys/{pk}/{dn}/thing/event/{id}/post`)
 * - lifecycle: device online/offline (`/as/mqtt/status/{pk}/{dn}`)
 * - ota: OTA upgrade progress (`/ota/device/progress/{pk}/{dn}`)
 * - reply: replies to property set and service calls (`…/thing/service/…_reply`)
 */
export const SUBSCRIPTION_MESSAGE_TYPES = ['property', 'event', 'lifecycle', 'ota', 'reply'] as const
export type SubscriptionMessageType = (typeof SUBSCRIPTION_MESSAGE_TYPES)[number]

/** Limits of a consumer group (modelled on the reference platform's published server-subscription limits). */
export const SUBSCRIPTION_LIMITS = {
  /** consumer connections per group on one node; one more is refused with 9600 */
  maxConnectionsPerGroup: 64,
  /** the heartbeat a consumer may ask for, seconds (outside: 9601) */
  heartbeatMinS: 30,
  heartbeatMaxS: 300,
  heartbeatDefaultS: 60,
  /** how long a delivered message waits for its ack before it is delivered again (9650), seconds */
  ackTimeoutMinS: 1,
  ackTimeoutMaxS: 300,
  ackTimeoutDefaultS: 30,
  /** unacked messages in flight per connection */
  prefetchMax: 1000,
  prefetchDefault: 64,
  /** unacked messages are kept this long, then dropped */
  retentionHours: 24,
  /** consumer groups per instance */
  maxGroups: 1000,
} as const

/** 1–30 characters of letters, digits and underscores (the reference's consumer group name rule). */
export const GROUP_NAME_RE = /^[\p{L}\p{N}_]{1,30}$/u

export const ZConsumerGroupInput = z.object({
  name: z.string().trim().regex(GROUP_NAME_RE, 'use 1–30 letters, digits or underscores'),
  description: z.string().trim().max(100, 'use at most 100 characters').optional(),
})
export type TConsumerGroupInput = z.infer<typeof ZConsumerGroupInput>

export const ZGroupRef = z.object({ groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a consumer group id') })

export const ZServerSubscriptionInput = z.object({
  productKey: z.string().min(1, 'choose a product'),
  messageTypes: z
    .array(z.enum(SUBSCRIPTION_MESSAGE_TYPES))
    .min(1, 'choose at least one message type')
    .max(SUBSCRIPTION_MESSAGE_TYPES.length),
  groupIds: z.array(z.string().min(1)).min(1, 'choose at least one consumer group').max(10),
})
export type TServerSubscriptionInput = z.infer<typeof ZServerSubscriptionInput>

/**
 * Which subscription message type a device topic belongs to (null: not pushed to consumer groups).
 * `topic` is the device's own topic as published.
 */
export function messageTypeOf(topic: string): SubscriptionMessageType | null {
  if (/^\/as\/mqtt\/status\/[^/]+\/[^/]+$/.test(topic)) return 'lifecycle'
  if (/^\/ota\/device\/progress\/[^/]+\/[^/]+$/.test(topic)) return 'ota'
  const m = /^\/sys\/[^/]+\/[^/]+\/thing\/(event|service)\/(.+)$/.exec(topic)
  if (!m) return null
  const [, kind, rest] = m
  if (kind === 'event') {
    if (rest === 'property/post') return 'property'
    if (/^[^/]+\/post$/.test(rest!)) return 'event'
    return null
  }
  return rest!.endsWith('_reply') ? 'reply' : null
}

/** A stream line (NDJSON) a consumer reads. */
export type SubscriptionLine =
  | {
      type: 'open'
      connectionId: string
      groupId: string
      heartbeat: number
      ackTimeout: number
      prefetch: number
    }
  | {
      type: 'message'
      id: string
      groupId: string
      productKey: string
      deviceName: string
      messageType: SubscriptionMessageType
      topic: string
      payload: unknown
      traceId: string
      messageId: string | null
      generateTime: number
      deliveryCount: number
    }
  | { type: 'heartbeat'; at: number }
  | { type: 'close'; code: number; message: string }
