export { exampleTslParams, exampleTslValue } from './examples'
export {
  exportDataType,
  exportTsl,
  exportTslModules,
  type ReferenceDataType,
  type ReferenceParam,
  type ReferenceTslDocument,
  TSL_SCHEMA_URL,
} from './export'
export { type ImportTslResult, importTsl } from './import'
export {
  checkThingModel,
  findEvent,
  findProperty,
  findService,
  identifierProblem,
  indexModel,
  listProperties,
  type ModuleIndex,
  nameProblem,
  qualifyIdentifier,
  RESERVED_FUNCTION_IDENTIFIERS,
  splitQualifiedIdentifier,
} from './model'
export * from './types'
export {
  type EventPostResult,
  numericValue,
  type PropertyPostResult,
  type PropertySetResult,
  type PropertyValue,
  type ServiceDataResult,
  type TslValidationError,
  validateEventPost,
  validatePropertyPost,
  validatePropertySet,
  validatePropertySetReply,
  validateServiceInput,
  validateServiceOutput,
  validateValue,
} from './validate'
