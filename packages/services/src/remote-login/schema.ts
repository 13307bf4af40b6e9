// Remote login (browser SSH, ref §11.2) inputs. Pure zod: the console's forms use the same schemas.
import { z } from 'zod'
import { ZDeviceRef } from '../devices/schema'
import { ZPage } from '../paging'

export const ZRemoteLoginRef = ZDeviceRef
export type TRemoteLoginRef = z.infer<typeof ZRemoteLoginRef>

export const ZSshShareIdInput = z.object({ shareId: z.uuid('not a share id') })
export type TSshShareIdInput = z.infer<typeof ZSshShareIdInput>

/** The recipient of a share link: the token from the link and the share password. */
export const ZShareLoginInput = z.object({
  token: z.string().trim().min(1, 'the link has no token').max(200),
  password: z.string().min(1, 'enter the share password').max(200),
})
export type TShareLoginInput = z.infer<typeof ZShareLoginInput>

export const ZSshSessionIdInput = z.object({ sessionId: z.uuid('not a session id') })

export const ZListSshSessionsInput = ZPage.extend({
  productKey: z.string().trim().min(1).optional(),
  deviceName: z.string().trim().min(1).optional(),
  active: z.boolean().optional(),
})
export type TListSshSessionsInput = z.infer<typeof ZListSshSessionsInput>

/** The SSH login form: user plus a password or a private key (never stored, never logged). */
export const ZSshCredentials = z
  .object({
    username: z
      .string()
      .trim()
      .min(1, 'enter the SSH user')
      .max(64, 'an SSH user has at most 64 characters')
      .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/, 'not a valid SSH user name'),
    password: z.string().max(1024).optional(),
    privateKey: z.string().max(16_384).optional(),
    passphrase: z.string().max(1024).optional(),
  })
  .refine((c) => !!c.password || !!c.privateKey, { message: 'enter the password or a private key', path: ['password'] })
export type TSshCredentials = z.infer<typeof ZSshCredentials>

const ZSize = { cols: z.number().int().min(10).max(1000), rows: z.number().int().min(4).max(500) }

/**
 * Messages the browser sends on /api/ws/terminal (text frames, JSON). Keystrokes go as binary frames after
 * `ready`. A console user opens by device; a share recipient by the ticket `remoteLogin.shareLogin` gave.
 */
export const ZTerminalClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('open'),
    productKey: z.string().min(1).max(64).optional(),
    deviceName: z.string().min(1).max(64).optional(),
    shareTicket: z.string().min(1).max(200).optional(),
    credentials: ZSshCredentials,
    ...ZSize,
  }),
  z.object({ type: z.literal('resize'), ...ZSize }),
  z.object({ type: z.literal('input'), data: z.string().max(65_536) }),
  /** admins: a read-only mirror of a running session */
  z.object({ type: z.literal('watch'), sessionId: z.uuid() }),
  z.object({ type: z.literal('close') }),
])
export type TTerminalClientMessage = z.infer<typeof ZTerminalClientMessage>

/** Why a session ended (SshSession.endReason). */
export const SSH_END_REASONS = ['closed', 'idle', 'timeout', 'device', 'error', 'revoked'] as const
export type SshEndReason = (typeof SSH_END_REASONS)[number]

/** Messages the server sends (text frames, JSON); terminal output goes as binary frames. */
export type TerminalServerMessage =
  | { type: 'status'; state: 'connecting' | 'authenticating' | 'ready'; sessionId?: string }
  | { type: 'error'; code: number | null; message: string }
  | { type: 'closed'; reason: SshEndReason; message: string }
