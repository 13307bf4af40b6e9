export type Role = 'ADMIN' | 'OPERATOR' | 'VIEWER'

/** Who is acting: a signed-in operator, an API key, the device pipeline or the system itself. */
export interface Actor {
  type: 'user' | 'apikey' | 'system'
  id: string | null
  name: string
  role: Role
  ip?: string
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'system', role: 'ADMIN' }
