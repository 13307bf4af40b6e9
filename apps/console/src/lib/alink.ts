// must stay first: it prepares node:crypto for the browser before @iotops/alink loads
import './node-crypto-patch'

/** The pure parts of the device protocol library the console uses. Import them from here, not from @iotops/alink. */
export {
  describeCode,
  TSL_ARRAY_MAX_SIZE,
  TSL_IDENTIFIER_MAX_LENGTH,
  TSL_IDENTIFIER_PATTERN,
  TSL_NAME_MAX_LENGTH,
  TSL_TEXT_MAX_LENGTH,
} from '@iotops/alink'
