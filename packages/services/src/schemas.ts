// Pure zod input schemas, safe to import in the browser (forms) — nothing here may import I/O.
export * from './auth/schema'
export * from './devicelog/schema'
export * from './devices/schema'
export * from './groups/schema'
export * from './paging'
export * from './products/schema'
export { type TRunLogSearchInput, type TRunLogTailInput, ZRunLogSearchInput, ZRunLogTailInput } from './runlog/search'
