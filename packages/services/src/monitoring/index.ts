export { DEFAULT_SPEC, getInstanceSpec, type InstanceSpec, setInstanceSpec } from '../metrics/sampler'
export * from './board'
export { listNetworkStatus, type NetworkError, parseNetworkStatus } from './network'
export { MONITORING_RETENTION_DAYS, pruneMonitoring } from './retention'
