// The fleet under test, run as a child process of bench/fleet.ts (fork, with --expose-gc) so that its memory and
// CPU are its own. Messages (IPC), each answered with one reply of the same type:
//   {type:'init', url, devices, scenario} → {type:'init', mem}     (mem: before the Fleet exists, after a GC)
//   {type:'start'}                        → {type:'start'}
//   {type:'stats', gc?}                   → {type:'stats', stats, mem, cpu, elu}
//   {type:'stop'}                         → {type:'stop', ms}
//   {type:'exit'}                         → exits
import { performance } from 'node:perf_hooks'
import { Fleet, type FleetDevice, type FleetStats, type TFleetScenarioInput } from '@iotops/device-sdk/fleet'

export interface RunnerInit {
  type: 'init'
  url: string
  devices: FleetDevice[]
  scenario: TFleetScenarioInput
}

export interface RunnerMem {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

export type RunnerRequest =
  | RunnerInit
  | { type: 'start' }
  | { type: 'stats'; gc?: boolean }
  | { type: 'stop' }
  | { type: 'exit' }

export type RunnerReply =
  | { type: 'init'; mem: RunnerMem }
  | { type: 'start' }
  | {
      type: 'stats'
      stats: FleetStats
      mem: RunnerMem
      cpu: { user: number; system: number }
      /** event-loop idle/active ms since the process started (diff two for a window) */
      elu: { idle: number; active: number }
    }
  | { type: 'stop'; ms: number }
  | { type: 'error'; message: string }

const gc = (globalThis as { gc?: () => void }).gc
const mem = (collect: boolean): RunnerMem => {
  if (collect && gc) {
    gc()
    gc()
  }
  const m = process.memoryUsage()
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  }
}
const reply = (m: RunnerReply) => process.send?.(m)

let fleet: Fleet | null = null
let devices: FleetDevice[] = []
let initMsg: RunnerInit | null = null

process.on('message', (m: RunnerRequest) => {
  void handle(m).catch((e: Error) => reply({ type: 'error', message: e.stack ?? e.message }))
})

async function handle(m: RunnerRequest) {
  switch (m.type) {
    case 'init': {
      initMsg = m
      devices = m.devices
      // the baseline: modules loaded and the device list held, no Fleet yet
      reply({ type: 'init', mem: mem(true) })
      return
    }
    case 'start': {
      if (!initMsg) throw new Error('start before init')
      fleet = new Fleet({ devices, scenario: initMsg.scenario, url: initMsg.url })
      fleet.start()
      reply({ type: 'start' })
      return
    }
    case 'stats': {
      if (!fleet) throw new Error('stats before start')
      const { idle, active } = performance.eventLoopUtilization()
      reply({
        type: 'stats',
        stats: fleet.stats(),
        mem: mem(m.gc === true),
        cpu: process.cpuUsage(),
        elu: { idle, active },
      })
      return
    }
    case 'stop': {
      const t = Date.now()
      await fleet?.stop()
      reply({ type: 'stop', ms: Date.now() - t })
      return
    }
    case 'exit':
      process.exit(0)
  }
}
