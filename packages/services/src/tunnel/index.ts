export * from './relay'
export * from './schema'
export * from './service'
