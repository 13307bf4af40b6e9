import { z } from 'zod'

const productKey = z.string().trim().min(1).max(64).optional()

export const ZDashboardInput = z.object({ productKey })
export type TDashboardInput = z.infer<typeof ZDashboardInput>

export const ZDashboardRegionsInput = z.object({ productKey, level: z.enum(['province', 'city']).default('province') })
export type TDashboardRegionsInput = z.input<typeof ZDashboardRegionsInput>

export const EVENT_FILTERS = ['all', 'info', 'alert', 'error'] as const
export type EventFilter = (typeof EVENT_FILTERS)[number]
export const ZDashboardEventsInput = z.object({ productKey, type: z.enum(EVENT_FILTERS).default('all') })
export type TDashboardEventsInput = z.input<typeof ZDashboardEventsInput>

export const STAGES = ['created', 'activated', 'online', 'active'] as const
export type Stage = (typeof STAGES)[number]

/** Online / offline duration buckets in days: (0, 30], (30, 60], … (365, ∞). */
export const DURATION_BUCKETS = [30, 60, 90, 180, 365] as const
