/** The enumerations of products, in the order forms offer them. */
export const NODE_TYPES = ['DIRECT', 'GATEWAY', 'SUB_DEVICE'] as const
export type NodeType = (typeof NODE_TYPES)[number]
export const DATA_FORMATS = ['ALINK_JSON', 'CUSTOM'] as const
export type DataFormat = (typeof DATA_FORMATS)[number]
export const TOPIC_OPERATIONS = ['PUB', 'SUB', 'ALL'] as const
export type TopicOperation = (typeof TOPIC_OPERATIONS)[number]

export const productHref = (productKey: string) => `/products/${encodeURIComponent(productKey)}`
