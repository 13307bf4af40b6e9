export {
  type ConfigFileInfo,
  downloadConfig,
  type ReceivedConfig,
  RemoteConfig,
  RemoteConfigError,
  type RemoteConfigOptions,
} from './config'
export { type AlinkReply, Device, type DeviceOptions, type PropertySetHandler, type ServiceHandler } from './device'
export * from './fleet'
export {
  crc16ibm,
  DeviceOta,
  type DeviceOtaOptions,
  decodeBlock,
  OtaError,
  type OtaFailStep,
  type OtaFileInfo,
  type OtaUpgrade,
  parseUpgrade,
  verifyFile,
} from './ota'
export {
  SubscriptionConsumer,
  type SubscriptionConsumerOptions,
  SubscriptionError,
  type SubscriptionLine,
  type SubscriptionMessage,
} from './subscription'
export * from './tunnel'
