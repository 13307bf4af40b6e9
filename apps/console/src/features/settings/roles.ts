export const ROLES = ['ADMIN', 'OPERATOR', 'VIEWER'] as const
export type Role = (typeof ROLES)[number]
