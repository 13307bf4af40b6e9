/**
 * The device-side log of a simulator (设备端日志): what the virtual device did, sent and received, as the reference
 * console shows it in three kinds — device behaviour (设备行为), device → cloud (设备到云平台消息) and cloud → device
 * (云平台到设备消息). Entries carry structured fields, never text: the console words them in the user's language.
 * Device secrets and passwords never enter it.
 */

export type SimLogKind = 'behavior' | 'up' | 'down'

export type SimLogEvent =
  /** connecting: url, clientId, username, sign method (the password is never logged) */
  | 'connect'
  /** the broker accepted the connection (CONNACK 0) */
  | 'connack'
  /** SUBSCRIBE sent: `topics` */
  | 'subscribe'
  /** SUBACK: `granted` QoS per topic (128 = refused) */
  | 'suback'
  | 'unsubscribe'
  /** a PUBLISH sent by the device */
  | 'publish'
  /** a PUBLISH received by the device */
  | 'received'
  /** a push strategy was set, fired, finished or cancelled: `detail` (strategy event) */
  | 'strategy'
  /** the virtual device answered a property set / service call (which reply, from its configuration) */
  | 'answer'
  /** the connection ended: `code` (platform offline code when known), `detail` = stop reason */
  | 'disconnect'
  | 'error'

export interface SimLogEntry {
  /** increasing per simulator session */
  seq: number
  ts: Date
  kind: SimLogKind
  event: SimLogEvent
  topic?: string
  qos?: number
  /** message payload as UTF-8 text (cut at PAYLOAD_MAX characters) */
  payload?: string
  /** a status code: reply code, offline code, refusal code */
  code?: number
  /** event-specific key (strategy: set/fired/finished/cancelled; disconnect: the stop reason) */
  detail?: string
  /** technical text from the server (an error message, the clientId, subscribed topics…) */
  text?: string
}

const PAYLOAD_MAX = 8192

export function payloadText(payload: Buffer | string | undefined): string | undefined {
  if (payload === undefined) return undefined
  const s = typeof payload === 'string' ? payload : payload.toString('utf8')
  return s.length > PAYLOAD_MAX ? `${s.slice(0, PAYLOAD_MAX)}…` : s
}

/** A bounded, ordered log: the newest `max` entries. */
export class SimLog {
  private readonly entries: SimLogEntry[] = []
  private seq = 0

  constructor(private readonly max: number) {}

  add(e: Omit<SimLogEntry, 'seq' | 'ts'> & { ts?: Date }): SimLogEntry {
    const entry: SimLogEntry = { ...e, seq: ++this.seq, ts: e.ts ?? new Date() }
    this.entries.push(entry)
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max)
    return entry
  }

  /** entries after `seq` (all kept ones for 0), oldest first */
  after(seq: number): SimLogEntry[] {
    return this.entries.filter((e) => e.seq > seq)
  }

  get lastSeq() {
    return this.seq
  }
}
