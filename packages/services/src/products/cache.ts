import type { ThingModel } from '@iotops/alink'
import type { Db } from '@iotops/db'

export interface CachedProduct {
  id: string
  productKey: string
  name: string
  nodeType: 'DIRECT' | 'GATEWAY' | 'SUB_DEVICE'
  dataFormat: 'ALINK_JSON' | 'CUSTOM'
  thingModel: ThingModel
  topicClasses: { suffix: string; operation: 'PUB' | 'SUB' | 'ALL' }[]
}

/**
 * Products as the device pipeline needs them on every message (thing model, topic classes), kept in memory.
 * Writers call invalidate(); in cluster mode the hub forwards invalidations to the other nodes.
 */
export class ProductCache {
  private entries = new Map<string, Promise<CachedProduct | null>>()
  private listeners: ((productKey: string) => void)[] = []

  constructor(private readonly db: Db) {}

  get(productKey: string): Promise<CachedProduct | null> {
    let e = this.entries.get(productKey)
    if (!e) {
      e = this.load(productKey)
      this.entries.set(productKey, e)
      e.catch(() => this.entries.delete(productKey))
    }
    return e
  }

  /** Drops the entry here and tells listeners (the hub broadcasts to other nodes). */
  invalidate(productKey: string): void {
    this.drop(productKey)
    for (const l of this.listeners) l(productKey)
  }

  /** Drops the entry without notifying (for invalidations that came from another node). */
  drop(productKey: string): void {
    this.entries.delete(productKey)
  }

  onInvalidate(fn: (productKey: string) => void): void {
    this.listeners.push(fn)
  }

  private async load(productKey: string): Promise<CachedProduct | null> {
    const p = await this.db.prisma.product.findUnique({ where: { productKey }, include: { topicClasses: true } })
    if (!p) return null
    return {
      id: p.id,
      productKey: p.productKey,
      name: p.name,
      nodeType: p.nodeType,
      dataFormat: p.dataFormat,
      thingModel: p.thingModel as unknown as ThingModel,
      topicClasses: p.topicClasses.map((t) => ({ suffix: t.suffix, operation: t.operation })),
    }
  }
}
