export { type AlinkReply, Device, type DeviceOptions, type PropertySetHandler, type ServiceHandler } from './device'
export * from './fleet'
