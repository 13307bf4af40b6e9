/**
 * The device simulator (reference §6 "设备模拟器"): server-side virtual devices, one per device, started from the
 * console. Each connects to this node's own MQTT listener with the device's real credentials, so the platform
 * sees (and logs, and routes) it exactly like the real device.
 *
 * Lease: the console page's event stream (`stream`) holds the simulator. When the last stream of a device closes,
 * the simulator stops after `leaseGraceMs` unless a stream comes back (a reload keeps it); a simulator without
 * activity stops after `maxIdleMs`. Sessions live on the node that started them (cluster mode: the page's stream
 * and commands must reach that node — see docs/ARCHITECTURE.md).
 */

import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { Codes, normalizeTopicClassSuffix, type ThingModel } from '@iotops/alink'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import { audit } from '../audit'
import type { Actor } from '../context'
import { statusView } from '../devices/service'
import { AppError, deviceNotFound } from '../errors'
import { pubToDevice } from '../hub/downlink'
import type { DeviceHub } from '../hub/hub'
import type { SimLogEntry } from './log'
import {
  SIMULATOR_LIMITS,
  type TCloudPubInput,
  type TDevicePublishInput,
  type TDeviceSubscribeInput,
  type TReportEventInput,
  type TReportPropertiesInput,
  type TSetServiceReplyInput,
  type TSimulatorRef,
} from './schema'
import { SIMULATOR_CLIENT_PREFIX, SimulatorSession, type SimulatorView, type StopReason } from './session'

export interface SimulatorManagerOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  nodeId: string
  /** this node's own MQTT listener, e.g. mqtt://127.0.0.1:1883 */
  mqttUrl: () => string
  leaseGraceMs?: number
  maxIdleMs?: number
  maxSessions?: number
  /** how long a post waits for the platform's reply */
  replyTimeoutMs?: number
}

/** One batch of a simulator's event stream: its state and the device-side log entries since the last batch. */
export interface SimulatorStreamEvent {
  /** the session the entries belong to (null: no simulator for this device on this node) */
  sessionId: string | null
  state: SimulatorView | null
  entries: SimLogEntry[]
}

/** Why the simulator cannot start for a device now (the page shows it before the user tries). */
export type SimulatorBlock =
  /** the product's data format is passthrough/custom: the simulator speaks Alink JSON only (ref §6) */
  | { reason: 'passthrough'; code: null; node: null }
  | { reason: 'disabled'; code: typeof Codes.DEVICE_DISABLED; node: null }
  /** the real device is online; starting would force it offline (427) */
  | { reason: 'online'; code: typeof Codes.KICKED; node: null }
  /** a simulator on another node of the cluster runs this device */
  | { reason: 'otherNode'; code: typeof Codes.KICKED; node: string }

interface Slot {
  session: SimulatorSession | null
  /** open event streams (leases) */
  streams: number
  grace: { timer: NodeJS.Timeout; at: number } | null
  idle: NodeJS.Timeout | null
  starting: Promise<SimulatorView> | null
}

const keyOf = (r: TSimulatorRef) => `${r.productKey}/${r.deviceName}`

/** The node of a simulator from a device's stored connection id (`<node>|<clientId>|<time>`), or null. */
export function simulatorNodeOf(connId: string | null | undefined): string | null {
  const clientId = connId?.split('|')[1]
  return clientId?.startsWith(SIMULATOR_CLIENT_PREFIX) ? clientId.slice(SIMULATOR_CLIENT_PREFIX.length) : null
}

export class SimulatorManager {
  private readonly slots = new Map<string, Slot>()
  private readonly events = new EventEmitter()
  private closing = false
  private readonly graceMs: number
  private readonly maxIdleMs: number
  private readonly maxSessions: number

  constructor(private readonly o: SimulatorManagerOptions) {
    this.events.setMaxListeners(0)
    this.graceMs = o.leaseGraceMs ?? SIMULATOR_LIMITS.leaseGraceMs
    this.maxIdleMs = o.maxIdleMs ?? SIMULATOR_LIMITS.maxIdleMs
    this.maxSessions = o.maxSessions ?? SIMULATOR_LIMITS.maxSessionsPerNode
  }

  get nodeId() {
    return this.o.nodeId
  }

  private slot(key: string): Slot {
    let s = this.slots.get(key)
    if (!s) {
      s = { session: null, streams: 0, grace: null, idle: null, starting: null }
      this.slots.set(key, s)
    }
    return s
  }

  private running(ref: TSimulatorRef): SimulatorSession {
    const s = this.slots.get(keyOf(ref))?.session
    if (s?.status !== 'running')
      throw new AppError(
        'PRECONDITION_FAILED',
        `no simulator runs for ${ref.productKey}/${ref.deviceName} on this node; start it first`,
        Codes.DEVICE_OFFLINE,
      )
    return s
  }

  private notify(key: string) {
    this.events.emit(key)
  }

  // ─────────────────────────────── start / stop ───────────────────────────────

  /** What the simulator page needs about a device: product, thing model, topic classes, why it cannot start, its simulator. */
  async target(ref: TSimulatorRef) {
    const d = await this.o.db.prisma.device.findUnique({
      where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
      include: { product: { include: { topicClasses: { orderBy: { suffix: 'asc' } } } } },
    })
    if (!d) throw deviceNotFound(ref)
    const simulator = this.view(keyOf(ref))
    const own = simulator?.status === 'running'
    return {
      productKey: d.productKey,
      productName: d.product.name,
      dataFormat: d.product.dataFormat,
      nodeType: d.product.nodeType,
      deviceName: d.deviceName,
      nickname: d.nickname,
      status: statusView(d),
      lastOnlineAt: d.lastOnlineAt,
      thingModel: d.product.thingModel as unknown as ThingModel,
      /** custom topics of this device with the device's rights (wildcard levels stay `+`/`#`) */
      topicClasses: d.product.topicClasses.map((c) => ({
        suffix: c.suffix,
        operation: c.operation,
        description: c.description,
        topic: `/${d.productKey}/${d.deviceName}/user/${normalizeTopicClassSuffix(c.suffix) ?? c.suffix}`,
      })),
      blocked: own ? null : blockOf(d),
      simulator,
      nodeId: this.o.nodeId,
      limits: SIMULATOR_LIMITS,
    }
  }

  /**
   * Starts the simulator of a device (启动设备模拟器), or returns the one running on this node (a reload re-attaches).
   * Refused for passthrough/custom-format products, disabled devices (522) and devices online already (427).
   */
  async start(actor: Actor, ref: TSimulatorRef): Promise<SimulatorView> {
    if (this.closing)
      throw new AppError('PRECONDITION_FAILED', 'this node is shutting down; start the simulator again in a moment')
    const key = keyOf(ref)
    const slot = this.slot(key)
    if (slot.session?.status === 'running') return this.view(key)!
    if (!slot.starting) {
      slot.starting = this.doStart(actor, ref, key, slot).finally(() => {
        slot.starting = null
        // refused or failed, and nobody watches: forget the device
        if (slot.streams === 0 && slot.session?.status !== 'running' && this.slots.get(key) === slot)
          this.slots.delete(key)
      })
    }
    return slot.starting
  }

  private async doStart(actor: Actor, ref: TSimulatorRef, key: string, slot: Slot): Promise<SimulatorView> {
    const running = [...this.slots.values()].filter((s) => s.session?.status === 'running').length
    if (running >= this.maxSessions)
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `${running} simulators run on this node, the most it runs at once; stop one first`,
      )
    const d = await this.o.db.prisma.device.findUnique({
      where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
      include: { product: true },
    })
    if (!d) throw deviceNotFound(ref)
    const block = blockOf(d)
    if (block) throw blockError(block, d)

    const session = new SimulatorSession({
      id: randomUUID(),
      productKey: d.productKey,
      deviceName: d.deviceName,
      deviceSecret: d.deviceSecret,
      startedBy: actor.name,
      nodeId: this.o.nodeId,
      url: this.o.mqttUrl(),
      hub: this.o.hub,
      log: this.o.log,
      replyTimeoutMs: this.o.replyTimeoutMs,
    })
    session.on('entry', () => this.notify(key))
    session.on('change', () => this.notify(key))
    session.on('stopped', () => this.onStopped(key, session))
    slot.session = session
    this.notify(key)
    try {
      await session.connect()
    } catch (e) {
      this.onStopped(key, session)
      throw new AppError(
        'PRECONDITION_FAILED',
        `the virtual device could not connect to this node's MQTT listener: ${(e as Error).message}`,
      )
    }
    await this.o.db.prisma.$transaction((tx) =>
      audit(
        tx,
        actor,
        'StartDeviceSimulator',
        { type: 'device', id: d.iotId },
        { productKey: d.productKey, deviceName: d.deviceName, node: this.o.nodeId },
      ),
    )
    this.o.log.info({ productKey: d.productKey, deviceName: d.deviceName, by: actor.name }, 'device simulator started')
    if (slot.streams === 0) this.armGrace(key, slot)
    this.armIdle(key, slot)
    this.notify(key)
    return this.view(key)!
  }

  /** Stops the simulator of a device (the device goes offline, code 200); a stopped one is left as it is. */
  async stop(actor: Actor, ref: TSimulatorRef): Promise<SimulatorView | null> {
    const key = keyOf(ref)
    const s = this.slots.get(key)?.session
    if (s?.status === 'running') {
      await this.close(key, 'user')
      this.o.log.info(
        { productKey: ref.productKey, deviceName: ref.deviceName, by: actor.name },
        'device simulator stopped',
      )
    }
    return this.view(key)
  }

  private async close(key: string, reason: StopReason) {
    const slot = this.slots.get(key)
    if (!slot?.session) return
    this.clearTimers(slot)
    await slot.session.close(reason)
  }

  private onStopped(key: string, session: SimulatorSession) {
    const slot = this.slots.get(key)
    if (!slot || slot.session !== session) return
    this.clearTimers(slot)
    this.notify(key)
    // nobody watches it: forget it (a page that opens later starts afresh)
    if (slot.streams === 0 && !slot.starting) this.slots.delete(key)
  }

  private clearTimers(slot: Slot) {
    if (slot.grace) clearTimeout(slot.grace.timer)
    if (slot.idle) clearTimeout(slot.idle)
    slot.grace = null
    slot.idle = null
  }

  // ─────────────────────────────── lease and idle time ───────────────────────────────

  private armGrace(key: string, slot: Slot) {
    if (slot.grace) clearTimeout(slot.grace.timer)
    slot.grace = {
      at: Date.now() + this.graceMs,
      timer: setTimeout(() => {
        slot.grace = null
        if (slot.session?.status === 'running' && slot.streams === 0) void this.close(key, 'lease')
      }, this.graceMs),
    }
  }

  private armIdle(key: string, slot: Slot) {
    if (slot.idle) clearTimeout(slot.idle)
    const s = slot.session
    if (s?.status !== 'running') return
    const due = s.lastActivity + this.maxIdleMs - Date.now()
    slot.idle = setTimeout(
      () => {
        slot.idle = null
        if (slot.session !== s || s.status !== 'running') return
        if (s.hasPendingPush || s.lastActivity + this.maxIdleMs > Date.now()) this.armIdle(key, slot)
        else void this.close(key, 'idle')
      },
      Math.max(due, 1000),
    )
  }

  private acquire(key: string) {
    const slot = this.slot(key)
    slot.streams++
    if (slot.grace) {
      clearTimeout(slot.grace.timer)
      slot.grace = null
    }
    this.notify(key)
  }

  private release(key: string) {
    const slot = this.slots.get(key)
    if (!slot) return
    slot.streams = Math.max(0, slot.streams - 1)
    if (slot.streams === 0) {
      if (slot.session?.status === 'running') {
        if (!this.closing) this.armGrace(key, slot)
      } else if (!slot.starting) {
        this.slots.delete(key)
        return
      }
    }
    this.notify(key)
  }

  /**
   * The page's event stream for one device: its simulator's state and device-side log as they change. While it is
   * open it holds the simulator (the lease). `lastEventId` (`<sessionId>:<seq>`) resumes after what was sent.
   */
  async *stream(
    ref: TSimulatorRef,
    signal: AbortSignal | undefined,
    lastEventId?: string | null,
  ): AsyncGenerator<{ id: string; data: SimulatorStreamEvent }> {
    const key = keyOf(ref)
    let [sentSession, sentSeqText] = (lastEventId ?? '').split(':')
    let sentSeq = Number(sentSeqText) || 0
    let dirty = true
    let wake: (() => void) | null = null
    const onEvent = () => {
      dirty = true
      wake?.()
    }
    const onAbort = () => wake?.()
    this.acquire(key)
    this.events.on(key, onEvent)
    signal?.addEventListener('abort', onAbort)
    try {
      while (!signal?.aborted) {
        if (!dirty) {
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = null
          continue
        }
        dirty = false
        const session = this.slots.get(key)?.session ?? null
        if (session && session.id !== sentSession) {
          sentSession = session.id
          sentSeq = 0
        }
        const entries = session ? session.log.after(sentSeq) : []
        if (session) sentSeq = session.log.lastSeq
        yield {
          id: `${session?.id ?? '-'}:${sentSeq}`,
          data: { sessionId: session?.id ?? null, state: this.view(key), entries },
        }
      }
    } finally {
      this.events.off(key, onEvent)
      signal?.removeEventListener('abort', onAbort)
      this.release(key)
    }
  }

  view(key: string): SimulatorView | null {
    const slot = this.slots.get(key)
    const s = slot?.session
    if (!slot || !s) return null
    const running = s.status === 'running'
    return s.view(
      { streams: slot.streams, expiresAt: running && slot.grace ? new Date(slot.grace.at) : null },
      running && !s.hasPendingPush ? new Date(s.lastActivity + this.maxIdleMs) : null,
    )
  }

  state(ref: TSimulatorRef) {
    return this.view(keyOf(ref))
  }

  // ─────────────────────────────── commands ───────────────────────────────

  /** Property report (属性上报): now (returns the platform's reply code) or as the push strategy. */
  async reportProperties(actor: Actor, input: TReportPropertiesInput) {
    const s = this.running(input)
    await s.checkProperties(input.items)
    return this.pushOrSchedule(actor, s, 'property', null, input.items, input.push)
  }

  /** Event report (事件上报): parameters checked against the event's definition before anything is sent. */
  async reportEvent(actor: Actor, input: TReportEventInput) {
    const s = this.running(input)
    await s.checkEvent(input.identifier, input.params)
    return this.pushOrSchedule(actor, s, 'event', input.identifier, input.params, input.push)
  }

  private async pushOrSchedule(
    actor: Actor,
    s: SimulatorSession,
    kind: 'property' | 'event',
    identifier: string | null,
    payload: Record<string, unknown>,
    push: TReportPropertiesInput['push'],
  ) {
    if (push.mode === 'now') {
      const r = await s.push(kind, identifier, payload)
      return { sent: true as const, code: r.code, message: r.message, strategy: null }
    }
    const strategy = s.setStrategy(kind, identifier, payload, push, actor.name)
    this.rearmIdle(s)
    return { sent: false as const, code: null, message: null, strategy }
  }

  async cancelStrategy(ref: TSimulatorRef) {
    return { cancelled: this.running(ref).cancelStrategy() }
  }

  async devicePublish(input: TDevicePublishInput) {
    const s = this.running(input)
    await s.publish(input.topic, input.payload, input.qos)
    this.rearmIdle(s)
  }

  async deviceSubscribe(input: TDeviceSubscribeInput) {
    const s = this.running(input)
    await s.subscribe(input.topic, input.qos)
    this.rearmIdle(s)
  }

  async deviceUnsubscribe(input: TDeviceSubscribeInput) {
    await this.running(input).unsubscribe(input.topic)
  }

  async setServiceReply(input: TSetServiceReplyInput) {
    await this.running(input).setServiceReply(input.identifier, input.reply)
  }

  /**
   * Cloud → device custom-topic message to the simulated device (下行指令调试 › 自定义Topic), through the same Pub as
   * the API (run log, metrics, topic check); only this device's topics.
   */
  async cloudPub(actor: Actor, input: TCloudPubInput) {
    this.running(input)
    const prefix = `/${input.productKey}/${input.deviceName}/user/`
    if (!input.topic.startsWith(prefix))
      throw new AppError('BAD_REQUEST', `choose a custom topic of this device: ${prefix}…`, Codes.TOPIC_FORMAT_ERROR)
    return pubToDevice(this.o.hub, actor, {
      productKey: input.productKey,
      topic: input.topic,
      payload: Buffer.from(input.payload, 'utf8'),
      qos: input.qos,
    })
  }

  /** the idle timer counts from the latest activity */
  private rearmIdle(s: SimulatorSession) {
    const key = `${s.productKey}/${s.deviceName}`
    const slot = this.slots.get(key)
    if (slot?.session === s) this.armIdle(key, slot)
  }

  // ─────────────────────────────── node lifecycle ───────────────────────────────

  /** Graceful shutdown: every simulator disconnects cleanly (before the broker closes) and no timer is left. */
  async stopAll() {
    this.closing = true
    const slots = [...this.slots.entries()]
    await Promise.allSettled(slots.map(([, slot]) => slot.starting))
    await Promise.allSettled(slots.map(([key]) => this.close(key, 'shutdown')))
    for (const [, slot] of slots) this.clearTimers(slot)
  }

  /** Counters for tests and health: simulators, open streams, timers held (0 once everything stopped). */
  stats() {
    let running = 0
    let streams = 0
    let timers = 0
    for (const slot of this.slots.values()) {
      if (slot.session?.status === 'running') running++
      streams += slot.streams
      timers += (slot.grace ? 1 : 0) + (slot.idle ? 1 : 0) + (slot.session?.timerCount ?? 0)
    }
    return { running, streams, timers, listeners: this.events.eventNames().length }
  }
}

function blockOf(d: {
  disabled: boolean
  status: string
  clientId: string | null
  product: { dataFormat: string }
}): SimulatorBlock | null {
  if (d.product.dataFormat !== 'ALINK_JSON') return { reason: 'passthrough', code: null, node: null }
  if (d.disabled) return { reason: 'disabled', code: Codes.DEVICE_DISABLED, node: null }
  if (d.status === 'ONLINE') {
    const node = simulatorNodeOf(d.clientId)
    return node
      ? { reason: 'otherNode', code: Codes.KICKED, node }
      : { reason: 'online', code: Codes.KICKED, node: null }
  }
  return null
}

function blockError(b: SimulatorBlock, d: { productKey: string; deviceName: string; lastOnlineAt: Date | null }) {
  const name = `${d.productKey}/${d.deviceName}`
  switch (b.reason) {
    case 'passthrough':
      return new AppError(
        'PRECONDITION_FAILED',
        `the product of ${name} uses the passthrough/custom data format; the simulator speaks Alink JSON only`,
      )
    case 'disabled':
      return new AppError('PRECONDITION_FAILED', `${name} is disabled (522); enable it to start its simulator`, b.code)
    case 'online':
      return new AppError(
        'PRECONDITION_FAILED',
        `the real device ${name} is online${d.lastOnlineAt ? ` since ${d.lastOnlineAt.toISOString()}` : ''}; a simulator would force it offline (427). Disconnect the device first`,
        b.code,
      )
    case 'otherNode':
      return new AppError(
        'PRECONDITION_FAILED',
        `a simulator of ${name} runs on node ${b.node}; stop it there or close its page (simulators live on the node that started them)`,
        b.code,
      )
  }
}
