/**
 * @iotops/alink — the device protocol as a pure library (no I/O): device authentication, the topic
 * grammar and ACL, Alink payloads, the thing model (TSL) and its validator, the run-log error codes
 * and the documented limits. See README.md.
 */
export * from './alink'
export * from './codes'
export * from './limits'
export * from './sign'
export * from './topics'
export * from './tsl'
export * from './tunnel'
