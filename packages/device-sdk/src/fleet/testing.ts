// Test helpers: an in-memory MQTT peer for LightClient and Fleet unit tests (no sockets).
import { Duplex } from 'node:stream'
import { generate, type IPublishPacket, type Packet, parser } from 'mqtt-packet'

/** Two connected in-memory streams (Node 20 has no stream.duplexPair). */
export function duplexPair(): [Duplex, Duplex] {
  let a: Duplex | null = null
  let b: Duplex | null = null
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        other().push(chunk)
        cb()
      },
      final(cb) {
        other().push(null)
        cb()
      },
      destroy(err, cb) {
        // a reset on one side closes the other, as a TCP RST would
        const o = other()
        if (!o.destroyed) o.destroy()
        cb(err)
      },
    })
  a = make(() => b!)
  b = make(() => a!)
  return [a, b]
}

export interface FakeBrokerOptions {
  /** CONNACK return code (0 accepts) */
  connack?: number | ((clientId: string) => number)
  /** send PUBACK for QoS 1 PUBLISH (default true) */
  ackPublish?: boolean
  /** answer Alink requests with `<topic>_reply` {id, code} (default: no replies) */
  replyCode?: number
  /** write every packet byte by byte (the client must reassemble) */
  splitWrites?: boolean
}

interface Conn {
  clientId: string
  server: Duplex
  subscriptions: string[]
}

/**
 * A scripted MQTT 3.1.1 peer: answers CONNECT, SUBSCRIBE and QoS 1 PUBLISH, optionally Alink `_reply`s, and
 * records every packet it received. `transport` plugs into LightClient / Fleet.
 */
export function fakeBroker(opts: FakeBrokerOptions = {}) {
  const received: { clientId: string; packet: Packet }[] = []
  const conns: Conn[] = []
  const write = (c: Conn, p: Packet) => {
    if (c.server.destroyed) return
    const buf = generate(p)
    if (!opts.splitWrites) c.server.write(buf)
    else for (const byte of buf) c.server.write(Buffer.from([byte]))
  }
  const matches = (filter: string, topic: string) => {
    const f = filter.split('/')
    const t = topic.split('/')
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true
      if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false
    }
    return f.length === t.length
  }
  const transport = () => {
    const [client, server] = duplexPair()
    const c: Conn = { clientId: '', server, subscriptions: [] }
    conns.push(c)
    const p = parser({ protocolVersion: 4 })
    p.on('packet', (pk: Packet) => {
      if (pk.cmd === 'connect') c.clientId = pk.clientId
      received.push({ clientId: c.clientId, packet: pk })
      switch (pk.cmd) {
        case 'connect': {
          const code = typeof opts.connack === 'function' ? opts.connack(pk.clientId) : (opts.connack ?? 0)
          write(c, { cmd: 'connack', returnCode: code, sessionPresent: false })
          if (code !== 0) server.end()
          return
        }
        case 'subscribe':
          c.subscriptions.push(...pk.subscriptions.map((s) => s.topic))
          write(c, { cmd: 'suback', messageId: pk.messageId!, granted: pk.subscriptions.map((s) => s.qos) })
          return
        case 'publish': {
          if (pk.qos === 1 && opts.ackPublish !== false) write(c, { cmd: 'puback', messageId: pk.messageId! })
          if (opts.replyCode !== undefined && pk.topic.startsWith('/sys/')) {
            const body = JSON.parse(String(pk.payload)) as { id?: string }
            write(c, {
              cmd: 'publish',
              topic: `${pk.topic}_reply`,
              payload: JSON.stringify({ id: body.id, code: opts.replyCode, data: {} }),
              qos: 0,
              dup: false,
              retain: false,
            })
          }
          return
        }
        case 'pingreq':
          write(c, { cmd: 'pingresp' })
          return
        case 'disconnect':
          server.end()
          return
      }
    })
    server.on('data', (b: Buffer) => p.parse(b))
    server.on('error', () => {})
    return client
  }
  return {
    transport,
    received,
    /** PUBLISH packets received, optionally only on topics matching `filter` */
    publishes(filter = '#'): IPublishPacket[] {
      return received
        .map((r) => r.packet)
        .filter((p): p is IPublishPacket => p.cmd === 'publish' && matches(filter, p.topic))
    },
    /** live connections */
    connections: () => conns.filter((c) => !c.server.destroyed),
    /** sends a PUBLISH to every connection subscribed to a matching filter */
    publish(topic: string, payload: string) {
      for (const c of conns)
        if (!c.server.destroyed && c.subscriptions.some((f) => matches(f, topic)))
          write(c, { cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false })
    },
    /** writes a raw packet to every live connection */
    send(p: Packet) {
      for (const c of conns) write(c, p)
    },
    /** drops every connection (as a broker restart would) */
    dropAll() {
      for (const c of conns) if (!c.server.destroyed) c.server.destroy()
    },
  }
}
