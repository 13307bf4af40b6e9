import { ZFleetScenario } from '@iotops/device-sdk/scenario'
import { z } from 'zod'

export const ZScenarioName = z
  .string()
  .trim()
  .min(1, 'give the scenario a name')
  .max(64, 'a scenario name has at most 64 characters')

export const ZSaveScenarioInput = z.object({
  /** absent: a new scenario */
  id: z.uuid().optional(),
  name: ZScenarioName,
  productKey: z.string().min(1, 'choose a product'),
  config: ZFleetScenario,
})
export type TSaveScenarioInput = z.infer<typeof ZSaveScenarioInput>

export const ZListScenariosInput = z.object({ productKey: z.string().optional() })

export const ZStartFleetInput = z
  .object({
    productKey: z.string().min(1, 'choose a product'),
    /** a saved scenario … */
    scenarioId: z.uuid().optional(),
    /** … or one given inline */
    config: ZFleetScenario.optional(),
  })
  .refine((v) => !!v.scenarioId !== !!v.config, { message: 'give either a saved scenario or a scenario document' })
export type TStartFleetInput = z.infer<typeof ZStartFleetInput>

export const ZFleetRunRef = z.object({ runId: z.string().min(1) })
