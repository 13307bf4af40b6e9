import { z } from 'zod'
import { ZPage } from '../paging'

export const ZProductKey = z.string().trim().min(1, 'enter a ProductKey').max(64)
export const ZNodeType = z.enum(['DIRECT', 'GATEWAY', 'SUB_DEVICE'])
export const ZDataFormat = z.enum(['ALINK_JSON', 'CUSTOM'])

// Product names: 4–30 characters of letters, CJK, digits, _ - @ ( ), as the reference allows.
export const ZProductName = z
  .string()
  .trim()
  .min(4, 'a product name needs 4 to 30 characters')
  .max(30, 'a product name needs 4 to 30 characters')
  .regex(/^[\p{L}\p{N}_\-@()（）]+$/u, 'a product name may contain letters, CJK characters, digits, _ - @ ( ) only')

export const ZCreateProductInput = z.object({
  name: ZProductName,
  nodeType: ZNodeType.default('DIRECT'),
  dataFormat: ZDataFormat.default('ALINK_JSON'),
  description: z.string().trim().max(100, 'a description can have at most 100 characters').optional(),
})
export type TCreateProductInput = z.infer<typeof ZCreateProductInput>

export const ZUpdateProductInput = z.object({
  productKey: ZProductKey,
  name: ZProductName.optional(),
  description: z.string().trim().max(100).nullable().optional(),
})
export type TUpdateProductInput = z.infer<typeof ZUpdateProductInput>

export const ZListProductsInput = ZPage.extend({ search: z.string().trim().max(64).optional() })
export type TListProductsInput = z.infer<typeof ZListProductsInput>

/** The thing model as the reference platform's TSL JSON text (what export produces and import accepts). */
export const ZImportTslInput = z.object({
  productKey: ZProductKey,
  tsl: z
    .string()
    .min(2, 'paste the TSL JSON')
    .max(512 * 1024, 'a TSL document can be at most 512 KB'),
})
export type TImportTslInput = z.infer<typeof ZImportTslInput>

// Custom topic classes: `/{pk}/{dn}/user/<suffix>`, suffix of 1–64 chars of letters, digits, _ and `/`-separated levels
export const ZTopicSuffix = z
  .string()
  .trim()
  .min(1, 'enter the part of the topic after user/')
  .max(64, 'the topic class after user/ can have at most 64 characters')
  .regex(
    /^(?:[A-Za-z0-9_]+|\+)(?:\/(?:[A-Za-z0-9_]+|\+))*(?:\/#)?$/,
    'use levels of letters, digits and _, separated by /; + matches one level and # (last) any number of levels',
  )

export const ZCreateTopicClassInput = z.object({
  productKey: ZProductKey,
  suffix: ZTopicSuffix,
  operation: z.enum(['PUB', 'SUB', 'ALL']),
  description: z.string().trim().max(100).optional(),
})
export type TCreateTopicClassInput = z.infer<typeof ZCreateTopicClassInput>
