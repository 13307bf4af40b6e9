export { audit } from './audit'
export { generatePassword, hashPassword, verifyPassword } from './auth/password'
export * as auth from './auth/service'
export { type Actor, type Role, SYSTEM_ACTOR } from './context'
export * as debug from './debug/service'
export { searchDeviceLogs, tailDeviceLogs } from './devicelog/service'
export * as devices from './devices/service'
export { AppError, type ErrorKind } from './errors'
export { FleetRuns } from './fleet/runs'
export * as fleet from './fleet/scenarios'
export * as groups from './groups/service'
export * as downlink from './hub/downlink'
export { DeviceHub, type DeviceSession, type HubOptions, type StatusChange } from './hub/hub'
export { DEFAULT_LIMITS, type Limits } from './hub/ratelimit'
export { newTraceId } from './ids'
export { Metric, MetricCounters } from './metrics/counters'
export { type CachedProduct, ProductCache } from './products/cache'
export * as products from './products/service'
export { type RunLogRow, searchRunLog, tailRunLog } from './runlog/search'
export { BizType, logContent, type RunLogRecord } from './runlog/writer'
export type { SimLogEntry, SimLogEvent, SimLogKind } from './simulator/log'
export {
  type SimulatorBlock,
  SimulatorManager,
  type SimulatorManagerOptions,
  type SimulatorStreamEvent,
} from './simulator/manager'
export type { SimulatorView, StopReason, StrategyView } from './simulator/session'
