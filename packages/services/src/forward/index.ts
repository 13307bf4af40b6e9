export * from './destinations'
export * from './engine'
export * from './service'
