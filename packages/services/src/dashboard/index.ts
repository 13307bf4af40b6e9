export * from './schema'
export {
  type DashboardEvents,
  type DashboardStatus,
  type DashboardSummary,
  type DeviceCount,
  type DurationBucket,
  type EventDay,
  events,
  type RegionCount,
  regions,
  type StageCard,
  type SubjectCount,
  status,
  summary,
  type TrendPoint,
} from './service'
