/**
 * Export of one module of a thing model in the reference TSL JSON format (see import.ts), so a
 * product can move back to the reference platform and `importTsl(exportTsl(m, pk))` gives `m` back.
 * Like the reference, the system event `post` and the services `set`/`get` are generated from the
 * properties, and every spec value is written as a string.
 */
import { qualifyIdentifier } from './model'
import {
  type ArrayItemType,
  type DataType,
  DEFAULT_MODULE_ID,
  type NumericSpecs,
  type StructField,
  type ThingModel,
  type TslModule,
  type TslParam,
  type TslProperty,
} from './types'

/** The schema URL the reference writes into every export. */
export const TSL_SCHEMA_URL = 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json'

export interface ReferenceDataType {
  type: string
  specs: Record<string, unknown> | ReferenceParam[]
}

export interface ReferenceParam {
  identifier: string
  name: string
  dataType: ReferenceDataType
}

export interface ReferenceTslDocument {
  schema: string
  profile: { version: string; productKey: string }
  functionBlockId?: string
  functionBlockName?: string
  properties: Array<{
    identifier: string
    name: string
    accessMode: 'r' | 'rw'
    required: boolean
    desc?: string
    dataType: ReferenceDataType
  }>
  events: Array<{
    identifier: string
    name: string
    type: 'info' | 'alert' | 'error'
    required: boolean
    desc?: string
    method: string
    outputData: ReferenceParam[]
  }>
  services: Array<{
    identifier: string
    name: string
    callType: 'sync' | 'async'
    required: boolean
    desc?: string
    method: string
    inputData: ReferenceParam[] | string[]
    outputData: ReferenceParam[]
  }>
}

function numericSpecs(specs: NumericSpecs): Record<string, string> {
  const out: Record<string, string> = { min: String(specs.min), max: String(specs.max) }
  if (specs.step !== undefined) out.step = String(specs.step)
  if (specs.unit !== undefined) out.unit = specs.unit
  if (specs.unitName !== undefined) out.unitName = specs.unitName
  return out
}

function structSpecs(fields: readonly StructField[]): ReferenceParam[] {
  return fields.map((f) => ({ identifier: f.identifier, name: f.name, dataType: exportDataType(f.dataType) }))
}

function arrayItem(item: ArrayItemType): ReferenceDataType | { type: string } {
  if (item.type === 'struct') return { type: 'struct', specs: structSpecs(item.specs) }
  if (item.type === 'text')
    return item.specs ? { type: 'text', specs: { length: String(item.specs.length) } } : { type: 'text' }
  return item.specs ? { type: item.type, specs: numericSpecs(item.specs) } : { type: item.type }
}

/** One data type in the reference format (spec values as strings). */
export function exportDataType(dataType: DataType): ReferenceDataType {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
      return { type: dataType.type, specs: numericSpecs(dataType.specs) }
    case 'enum':
      return { type: 'enum', specs: { ...dataType.specs } }
    case 'bool':
      return { type: 'bool', specs: { '0': dataType.specs['0'], '1': dataType.specs['1'] } }
    case 'text':
      return { type: 'text', specs: { length: String(dataType.specs.length) } }
    case 'date':
      return { type: 'date', specs: {} }
    case 'struct':
      return { type: 'struct', specs: structSpecs(dataType.specs) }
    case 'array':
      return { type: 'array', specs: { size: String(dataType.specs.size), item: arrayItem(dataType.specs.item) } }
  }
}

function exportParams(params: readonly (TslParam | TslProperty)[]): ReferenceParam[] {
  return params.map((p) => ({ identifier: p.identifier, name: p.name, dataType: exportDataType(p.dataType) }))
}

function withDesc<T extends object>(target: T, description: string | undefined): T & { desc?: string } {
  return description === undefined ? target : { ...target, desc: description }
}

/**
 * The reference document of one module (the default module unless `moduleId` is given).
 * Throws a RangeError when the module does not exist.
 */
export function exportTsl(
  model: ThingModel,
  productKey: string,
  moduleId: string = DEFAULT_MODULE_ID,
): ReferenceTslDocument {
  const module: TslModule | undefined = model.modules.find((m) => m.identifier === moduleId)
  if (!module) throw new RangeError(`the thing model has no module "${moduleId}"`)
  const q = (identifier: string) => qualifyIdentifier(module.identifier, identifier)

  const doc: ReferenceTslDocument = {
    schema: TSL_SCHEMA_URL,
    profile: { version: '1.0', productKey },
    properties: module.properties.map((p) =>
      withDesc(
        {
          identifier: p.identifier,
          name: p.name,
          accessMode: p.accessMode,
          required: p.required ?? false,
          dataType: exportDataType(p.dataType),
        },
        p.description,
      ),
    ),
    events: [
      {
        identifier: 'post',
        name: 'post',
        type: 'info',
        required: true,
        desc: 'Property post',
        method: 'thing.event.property.post',
        outputData: exportParams(module.properties),
      },
      ...module.events.map((e) =>
        withDesc(
          {
            identifier: e.identifier,
            name: e.name,
            type: e.type,
            required: e.required ?? false,
            method: `thing.event.${q(e.identifier)}.post`,
            outputData: exportParams(e.outputData),
          },
          e.description,
        ),
      ),
    ],
    services: [
      {
        identifier: 'set',
        name: 'set',
        callType: 'async',
        required: true,
        desc: 'Property set',
        method: 'thing.service.property.set',
        inputData: exportParams(module.properties.filter((p) => p.accessMode === 'rw')),
        outputData: [],
      },
      {
        identifier: 'get',
        name: 'get',
        callType: 'async',
        required: true,
        desc: 'Property get',
        method: 'thing.service.property.get',
        inputData: module.properties.map((p) => p.identifier),
        outputData: exportParams(module.properties),
      },
      ...module.services.map((s) =>
        withDesc(
          {
            identifier: s.identifier,
            name: s.name,
            callType: s.callType,
            required: s.required ?? false,
            method: `thing.service.${q(s.identifier)}`,
            inputData: exportParams(s.inputData),
            outputData: exportParams(s.outputData),
          },
          s.description,
        ),
      ),
    ],
  }
  if (module.identifier !== DEFAULT_MODULE_ID) {
    doc.functionBlockId = module.identifier
    doc.functionBlockName = module.name
  }
  return doc
}

/** Every module of the model, default first, as the list `importTsl` accepts. */
export function exportTslModules(model: ThingModel, productKey: string): ReferenceTslDocument[] {
  const ids = model.modules.map((m) => m.identifier)
  ids.sort((a, b) => (a === DEFAULT_MODULE_ID ? -1 : b === DEFAULT_MODULE_ID ? 1 : 0))
  return ids.map((id) => exportTsl(model, productKey, id))
}
