import { z } from 'zod'

export const ZRole = z.enum(['ADMIN', 'OPERATOR', 'VIEWER'])
export const ZEmail = z.string().trim().toLowerCase().email('enter a valid e-mail address').max(254)
export const ZPassword = z
  .string()
  .min(10, 'a password needs at least 10 characters')
  .max(200, 'a password can have at most 200 characters')

export const ZLoginInput = z.object({ email: ZEmail, password: z.string().min(1, 'enter your password').max(200) })
export type TLoginInput = z.infer<typeof ZLoginInput>

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: z.string().trim().min(1, 'enter a name').max(64),
  password: ZPassword,
  role: ZRole,
})
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>

export const ZUpdateUserInput = z.object({
  id: z.string().uuid(),
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
})
export type TUpdateUserInput = z.infer<typeof ZUpdateUserInput>

export const ZCreateApiKeyInput = z.object({
  name: z.string().trim().min(1, 'enter a name for the key').max(64),
  role: ZRole.default('OPERATOR'),
})
export type TCreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>

export const ZChangePasswordInput = z.object({
  current: z.string().min(1, 'enter your current password').max(200),
  next: ZPassword,
})
export type TChangePasswordInput = z.infer<typeof ZChangePasswordInput>
