export { Device, type DeviceOptions, type AlinkReply, type ServiceHandler, type PropertySetHandler } from './device'
