/**
 * The pure parts of the device protocol library the console uses; import them from here.
 *
 * `@iotops/alink`'s entry point is not browser-safe yet: its Alink module seeds message ids with node:crypto
 * `randomInt` while loading, which the browser's crypto stand-in lacks. Its error-code catalogue and limits are
 * pure, so the console takes them from those modules. Switch to `@iotops/alink` (or its subpath exports) once the
 * entry point loads in a browser.
 */
export { describeCode } from '../../../../packages/alink/src/codes'
export {
  TSL_ARRAY_MAX_SIZE,
  TSL_IDENTIFIER_MAX_LENGTH,
  TSL_IDENTIFIER_PATTERN,
  TSL_NAME_MAX_LENGTH,
  TSL_TEXT_MAX_LENGTH,
} from '../../../../packages/alink/src/limits'
// Example values that pass the thing model's checks: what a service call, an event report or a service reply
// starts from.
export { exampleTslParams, exampleTslValue } from '../../../../packages/alink/src/tsl/examples'
export { qualifyIdentifier } from '../../../../packages/alink/src/tsl/model'
export {
  type DataType,
  DEFAULT_MODULE_ID,
  type ScalarDataType,
  type StructField,
  type ThingModel,
  type TslEvent,
  type TslModule,
  type TslParam,
  type TslProperty,
  type TslService,
} from '../../../../packages/alink/src/tsl/types'
// The thing-model validators the server runs (SetDeviceProperty, InvokeThingService, property and event posts,
// service replies): the console checks values with them before sending, so the user gets the same message and code
// without a round trip.
export {
  type TslValidationError,
  validateEventPost,
  validatePropertyPost,
  validatePropertySet,
  validateServiceInput,
  validateServiceOutput,
} from '../../../../packages/alink/src/tsl/validate'
