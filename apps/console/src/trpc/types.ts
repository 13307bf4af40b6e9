/** What each procedure returns and takes, derived from the API's router type (types only, nothing is bundled). */
export type { RouterInputs, RouterOutputs } from '@iotops/api'
