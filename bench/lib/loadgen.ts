// Load generator, run as a child process of ingest.ts (fork) so it never shares an event loop with the broker
// under test nor with the orchestrator. Messages (IPC):
//   parent → child  {type:'init', …LoadgenInit}   child → parent {type:'ready', connectMs}
//   parent → child  {type:'go', t0, t1}            child → parent {type:'result', …LoadgenResult}
//   parent → child  {type:'exit'}
// Every device client keeps up to `window` QoS 1 PUBLISHes outstanding and publishes the next one as soon as a
// PUBACK arrives, from the 'go' message until t1 (epoch ms); then it waits for the outstanding acks (drain).
import { performance } from 'node:perf_hooks'
import { Device } from '@iotops/device-sdk'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { Histogram, type SerializedHistogram } from './histogram'

export interface BenchDevice {
  productKey: string
  deviceName: string
  /** set for the iotops target (Link SDK sign scheme); the mosquitto target connects anonymously */
  deviceSecret?: string
}

export interface LoadgenInit {
  target: 'iotops' | 'mosquitto'
  url: string
  devices: BenchDevice[]
  window: number
  /** mosquitto: this process also runs the one QoS 1 subscriber on `/sys/#` */
  subscriber: boolean
  drainMs: number
  payload: 'timed' | 'plain'
}

export interface LoadgenResult {
  connectMs: number
  published: number
  acked: number
  /** PUBACKs received inside [t0, t1] */
  ackedInWindow: number
  publishErrors: number
  /** publish → PUBACK, for messages published inside [t0, t1] */
  ackLatency: SerializedHistogram
  /** iotops: `_reply` messages received (all / code 200 / inside the window), publish → reply latency */
  replies: number
  repliesOk: number
  repliesInWindow: number
  replyLatency: SerializedHistogram
  /** mosquitto: messages the `/sys/#` subscriber received (all / inside the window) */
  subReceived: number
  subReceivedInWindow: number
  /** still unacknowledged when the drain gave up */
  unacked: number
  disconnects: number
  /** this process over [t0, t1]: CPU % of one core and event-loop utilisation (0–1) */
  cpuPercent: number
  elu: number
}

const nowEpoch = () => performance.timeOrigin + performance.now()
const send = (m: object) => process.send?.(m)

let clients: MqttClient[] = []
let sub: MqttClient | null = null

function connectClient(opts: IClientOptions & { url: string }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(opts.url, {
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      protocolVersion: 4,
      clean: true,
      ...opts,
    })
    const fail = (e: Error) => {
      c.removeAllListeners('connect')
      c.end(true)
      reject(e)
    }
    c.once('error', fail)
    c.once('close', () => fail(new Error('closed before CONNACK')))
    c.once('connect', () => {
      c.removeListener('error', fail)
      c.removeAllListeners('close')
      c.on('error', () => {})
      resolve(c)
    })
  })
}

async function withRetry<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
  let last: unknown
  for (let i = 0; i < tries; i++) {
    try {
      return await fn()
    } catch (e) {
      last = e
      await new Promise((r) => setTimeout(r, 500 * (i + 1)))
    }
  }
  throw last
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!, i)
      }
    }),
  )
  return out
}

async function run(init: LoadgenInit) {
  const c0 = performance.now()
  const ackLatency = new Histogram()
  const replyLatency = new Histogram()
  let published = 0
  let acked = 0
  let ackedInWindow = 0
  let publishErrors = 0
  let replies = 0
  let repliesOk = 0
  let repliesInWindow = 0
  let subReceived = 0
  let subReceivedInWindow = 0
  let disconnects = 0
  let t0 = Number.POSITIVE_INFINITY
  let t1 = Number.POSITIVE_INFINITY
  let stopping = false

  if (init.subscriber) {
    sub = await withRetry(() => connectClient({ url: init.url, clientId: `bench-sub-${process.pid}` }))
    sub.on('message', () => {
      subReceived++
      const t = nowEpoch()
      if (t >= t0 && t <= t1) subReceivedInWindow++
    })
    await sub.subscribeAsync('/sys/#', { qos: 1 })
  }

  // Alink property post; `id` is unique per device, values stay inside the thing model's ranges. 'timed' sends
  // each value as {value, time} with a time that strictly increases per device (1 ms apart at least); 'plain'
  // sends bare values, which the platform stamps with its receive time (ms).
  const payloadFor = (st: { lastTime: number }, id: number) => {
    const t = 15 + (id % 21)
    const h = ((300 + (id % 400)) / 10).toFixed(1)
    if (init.payload === 'plain')
      return `{"id":"${id}","version":"1.0","params":{"temperature":${t},"humidity":${h}},"method":"thing.event.property.post"}`
    st.lastTime = Math.max(Date.now(), st.lastTime + 1)
    const time = st.lastTime
    return `{"id":"${id}","version":"1.0","params":{"temperature":{"value":${t},"time":${time}},"humidity":{"value":${h},"time":${time}}},"method":"thing.event.property.post"}`
  }

  interface State {
    c: MqttClient
    topic: string
    seq: number
    lastTime: number
    inflight: number
    sentAt: Map<string, number>
  }
  const states: State[] = await pool(init.devices, 50, async (d, i) => {
    const topic = `/sys/${d.productKey}/${d.deviceName}/thing/event/property/post`
    const c =
      init.target === 'iotops'
        ? await withRetry(() =>
            connectClient({
              ...Device.connectOptions({
                url: init.url,
                productKey: d.productKey,
                deviceName: d.deviceName,
                deviceSecret: d.deviceSecret!,
              }),
              url: init.url,
            }),
          )
        : await withRetry(() => connectClient({ url: init.url, clientId: `bench-${process.pid}-${i}` }))
    const st: State = { c, topic, seq: 0, lastTime: 0, inflight: 0, sentAt: new Map() }
    if (init.target === 'iotops') {
      await c.subscribeAsync(`${topic}_reply`, { qos: 0 })
      c.on('message', (_t, payload) => {
        replies++
        const t = performance.now()
        if (t + performance.timeOrigin >= t0 && t + performance.timeOrigin <= t1) repliesInWindow++
        try {
          const body = JSON.parse(payload.toString('utf8')) as { id?: string; code?: number }
          if (body.code === 200) repliesOk++
          const at = st.sentAt.get(String(body.id))
          if (at !== undefined) {
            st.sentAt.delete(String(body.id))
            replyLatency.record(t - at)
          }
        } catch {
          // not JSON: counted, not timed
        }
      })
    }
    c.on('close', () => {
      if (!stopping) disconnects++
    })
    return st
  })
  clients = states.map((s) => s.c)
  const connectMs = Math.round(performance.now() - c0)

  let resolveDrained: (() => void) | null = null
  let outstanding = 0
  const pump = (st: State) => {
    while (st.inflight < init.window && nowEpoch() < t1 && st.c.connected) {
      const id = ++st.seq
      const sentAt = performance.now()
      const inWindow = sentAt + performance.timeOrigin >= t0
      if (init.target === 'iotops' && inWindow) st.sentAt.set(String(id), sentAt)
      st.inflight++
      outstanding++
      published++
      st.c.publish(st.topic, payloadFor(st, id), { qos: 1 }, (err) => {
        st.inflight--
        outstanding--
        const t = performance.now()
        if (err) publishErrors++
        else {
          acked++
          const te = t + performance.timeOrigin
          if (te >= t0 && te <= t1) ackedInWindow++
          if (inWindow) ackLatency.record(t - sentAt)
        }
        if (outstanding === 0 && resolveDrained) resolveDrained()
        pump(st)
      })
    }
  }

  send({ type: 'ready', connectMs })
  const go = await new Promise<{ t0: number; t1: number }>((resolve) => {
    process.on('message', (m: { type: string; t0: number; t1: number }) => {
      if (m.type === 'go') resolve(m)
    })
  })
  t0 = go.t0
  t1 = go.t1
  let cpu0 = process.cpuUsage()
  let elu0 = performance.eventLoopUtilization()
  let cpuPercent = 0
  let elu = 0
  const atT0 = setTimeout(
    () => {
      cpu0 = process.cpuUsage()
      elu0 = performance.eventLoopUtilization()
    },
    Math.max(0, t0 - Date.now()),
  )
  const atT1 = new Promise<void>((resolve) =>
    setTimeout(
      () => {
        const c = process.cpuUsage(cpu0)
        cpuPercent = Math.round(((c.user + c.system) / 1000 / (t1 - t0)) * 1000) / 10
        elu = Math.round(performance.eventLoopUtilization(elu0).utilization * 1000) / 1000
        resolve()
      },
      Math.max(0, t1 - Date.now()),
    ),
  )
  for (const st of states) pump(st)
  await atT1
  clearTimeout(atT0)
  // drain: wait for every outstanding PUBACK (bounded)
  if (outstanding > 0) {
    await Promise.race([
      new Promise<void>((resolve) => {
        resolveDrained = resolve
      }),
      new Promise((r) => setTimeout(r, init.drainMs)),
    ])
  }
  // late replies / subscriber deliveries
  const settle = Date.now() + 3000
  while (Date.now() < settle && ((init.target === 'iotops' && replies < acked) || (sub && subReceived < acked))) {
    await new Promise((r) => setTimeout(r, 50))
  }
  const result: LoadgenResult = {
    connectMs,
    published,
    acked,
    ackedInWindow,
    publishErrors,
    ackLatency: ackLatency.toJSON(),
    replies,
    repliesOk,
    repliesInWindow,
    replyLatency: replyLatency.toJSON(),
    subReceived,
    subReceivedInWindow,
    unacked: outstanding,
    disconnects,
    cpuPercent,
    elu,
  }
  stopping = true
  send({ type: 'result', ...result })
}

process.on('message', (m: { type: string } & LoadgenInit) => {
  if (m.type === 'init') {
    run(m).catch((e: Error) => {
      send({ type: 'error', message: e.message })
      process.exitCode = 1
    })
  } else if (m.type === 'exit') {
    const all = [...clients, ...(sub ? [sub] : [])]
    clients = []
    Promise.all(all.map((c) => c.endAsync(true).catch(() => {}))).finally(() => process.exit(0))
  }
})
