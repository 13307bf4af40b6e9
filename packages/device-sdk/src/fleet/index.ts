// Fleet simulation (issue 4): scenario schema and generators, the low-memory MQTT client, the scheduler and
// the Fleet itself. `@iotops/device-sdk/scenario` is the browser-safe part.
export {
  Fleet,
  type FleetDevice,
  type FleetLogEntry,
  type FleetOptions,
  type FleetStats,
  fleetErrorRatio,
} from './fleet'
export {
  CONNACK_REASONS,
  ConnackError,
  LightClient,
  type LightClientHooks,
  type LightClientOptions,
  type QoS,
  type TransportFactory,
  tcpTransport,
} from './light-client'
export * from './scenario'
export { TimerWheel, type TimerWheelOptions } from './scheduler'
