import type { RouterOutputs } from '@/trpc/types'

export type Device = RouterOutputs['device']['byName']
export type DeviceProperty = Device['properties'][number]
export type ProductDetail = RouterOutputs['product']['byKey']
export type TslModuleOf = ProductDetail['thingModel']['modules'][number]

/** Display names of a product's events and services by identifier (`module:identifier` outside the default module). */
export function featureNames(product: ProductDetail | undefined) {
  const events = new Map<string, string>()
  const services = new Map<string, string>()
  for (const m of product?.thingModel.modules ?? []) {
    const id = (ident: string) => (m.identifier === 'default' ? ident : `${m.identifier}:${ident}`)
    for (const e of m.events) events.set(id(e.identifier), e.name)
    for (const s of m.services) services.set(id(s.identifier), s.name)
  }
  return { events, services }
}
