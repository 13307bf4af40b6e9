// Browser-safe: the console lists and labels the same business types.
/** Business types of the cloud run log, with the reference platform's English names. */
export const BizType = {
  Device: 'device',
  Uplink: 'uplink',
  Downlink: 'downlink',
  ThingModel: 'ThingModel',
  ThingService: 'ThingService',
  ApiService: 'ApiService',
  DeviceShadow: 'DeviceShadow',
  ThingTopo: 'ThingTopo',
  Subscribe: 'subscribe',
  OTA: 'OTA',
  RemoteConfig: 'RemoteConfig',
  DataStorage: 'DataStorage',
  DeviceLog: 'DeviceLog',
  RuleEngine: 'RuleEngine',
  DeviceSecureTunnel: 'DeviceSecureTunnel',
  Other: 'Other',
} as const
export type BizTypeName = (typeof BizType)[keyof typeof BizType]
