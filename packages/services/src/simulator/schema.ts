/**
 * Device simulator inputs (reference §6 "设备模拟器"), shared by the console's forms and the tRPC router. Pure zod and
 * constants: safe to import in the browser (no `@iotops/alink` values — its entry point pulls node:crypto).
 */
import { z } from 'zod'
import { ZDeviceRef } from '../devices/schema'

const HOUR = 3_600_000

/**
 * Limits of the simulator. The first two are the reference's (§6 使用限制: continuous push every ≥ 1 s, for a
 * period of at most 3 hours; they mirror `SIMULATOR_MIN_INTERVAL_MS` / `SIMULATOR_MAX_DURATION_MS` of
 * `@iotops/alink`, a unit test keeps them equal); the others are IoT Ops' own.
 */
export const SIMULATOR_LIMITS = {
  /** ref §6: the shortest interval of a continuous push */
  minIntervalSec: 1,
  /** ref §6: the longest period of a continuous push */
  maxWindowMs: 3 * HOUR,
  /** how far ahead a push may be scheduled (a simulator runs while its page is open) */
  maxAheadMs: 24 * HOUR,
  /** the page's event stream is the lease: after it closes the simulator stops this much later (reload-proof) */
  leaseGraceMs: 12_000,
  /** a simulator without operator actions, device traffic or a pending push stops after this long */
  maxIdleMs: 30 * 60_000,
  /** simulators running at once on one node */
  maxSessionsPerNode: 50,
  /** a custom-topic payload, in UTF-8 bytes */
  maxPayloadBytes: 64 * 1024,
  /** device-side log entries kept per simulator (older ones are dropped) */
  logEntries: 500,
} as const

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length

export const ZSimulatorRef = ZDeviceRef
export type TSimulatorRef = z.infer<typeof ZSimulatorRef>

export const ZQos = z.union([z.literal(0), z.literal(1)])

/**
 * How a property or event report is pushed (ref §6): now, once at a time (定时推送), or every N seconds within a
 * period (连续推送). Relations to the current time are checked by `checkStrategy` (strategy.ts), on both sides.
 */
export const ZPushStrategy = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('now') }),
  z.object({ mode: z.literal('once'), at: z.date() }),
  z.object({
    mode: z.literal('continuous'),
    intervalSec: z
      .number()
      .int('the interval is a whole number of seconds')
      .min(SIMULATOR_LIMITS.minIntervalSec, `the interval is at least ${SIMULATOR_LIMITS.minIntervalSec} s`)
      .max(SIMULATOR_LIMITS.maxWindowMs / 1000, 'the interval is at most 3 hours'),
    /** the period's start; absent: now */
    from: z.date().optional(),
    until: z.date(),
  }),
])
export type TPushStrategy = z.infer<typeof ZPushStrategy>

const ZIdentifier = z.string().trim().min(1, 'choose an identifier').max(100)

/** Property report (属性上报): values keyed by qualified identifier (`module:identifier` outside the default module). */
export const ZReportPropertiesInput = ZSimulatorRef.extend({
  items: z
    .record(z.string().min(1).max(100), z.unknown())
    .refine((v) => Object.keys(v).length > 0, 'fill in at least one property to report'),
  push: ZPushStrategy,
})
export type TReportPropertiesInput = z.infer<typeof ZReportPropertiesInput>

/** Event report (事件上报): the event's output parameters. */
export const ZReportEventInput = ZSimulatorRef.extend({
  identifier: ZIdentifier,
  params: z.record(z.string(), z.unknown()),
  push: ZPushStrategy,
})
export type TReportEventInput = z.infer<typeof ZReportEventInput>

const ZTopic = z.string().trim().min(1, 'choose a topic').max(256, 'a topic has at most 256 characters')
const ZPayload = z
  .string()
  .refine(
    (s) => utf8Bytes(s) <= SIMULATOR_LIMITS.maxPayloadBytes,
    `the payload is larger than ${SIMULATOR_LIMITS.maxPayloadBytes / 1024} KB`,
  )

/** Custom topic message from the simulated device (消息上报). */
export const ZDevicePublishInput = ZSimulatorRef.extend({ topic: ZTopic, payload: ZPayload, qos: ZQos })
export type TDevicePublishInput = z.infer<typeof ZDevicePublishInput>

/** Custom topic subscription of the simulated device (消息订阅); `qos` is ignored by unsubscribe. */
export const ZDeviceSubscribeInput = ZSimulatorRef.extend({ topic: ZTopic, qos: ZQos.default(0) })
export type TDeviceSubscribeInput = z.infer<typeof ZDeviceSubscribeInput>

/** What the simulator answers a service call with: success with output parameters, or an error code and message. */
export const ZServiceReply = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('success'), output: z.record(z.string(), z.unknown()) }),
  z.object({
    mode: z.literal('error'),
    code: z
      .number()
      .int('the code is a whole number')
      .min(1, 'the code is a positive number')
      .max(999_999)
      .refine((c) => c !== 200, '200 means success; choose "success" or another code'),
    message: z.string().trim().max(256, 'the message has at most 256 characters'),
  }),
])
export type TServiceReply = z.infer<typeof ZServiceReply>

/** Sets (or, with `reply: null`, resets to the default) the reply of one service. */
export const ZSetServiceReplyInput = ZSimulatorRef.extend({ identifier: ZIdentifier, reply: ZServiceReply.nullable() })
export type TSetServiceReplyInput = z.infer<typeof ZSetServiceReplyInput>

/** Cloud → device custom topic message to the simulated device (下行指令调试 › 自定义Topic), through Pub. */
export const ZCloudPubInput = ZSimulatorRef.extend({ topic: ZTopic, payload: ZPayload, qos: ZQos })
export type TCloudPubInput = z.infer<typeof ZCloudPubInput>
