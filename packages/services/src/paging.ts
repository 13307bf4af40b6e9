import { z } from 'zod'

export const ZPage = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
})
export type TPage = z.infer<typeof ZPage>
export const skipTake = (p: TPage) => ({ skip: (p.page - 1) * p.pageSize, take: p.pageSize })
export interface PageOf<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
