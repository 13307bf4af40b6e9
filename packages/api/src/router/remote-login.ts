import { remoteLogin } from '@iotops/services'
import {
  ZListSshSessionsInput,
  ZRemoteLoginRef,
  ZShareLoginInput,
  ZSshSessionIdInput,
  ZSshShareIdInput,
} from '@iotops/services/schemas'
import { adminProcedure, createTRPCRouter, operatorProcedure, publicProcedure, viewerProcedure } from '../trpc'

/**
 * Remote login (browser SSH, ref §11.2): thin over `@iotops/services` remote-login verbs. The terminal itself is
 * the WebSocket /api/ws/terminal; this router opens/closes the service, manages share links and lists sessions.
 */
export const remoteLoginRouter = createTRPCRouter({
  /** OpenConsoleSsh: a remote-login tunnel whose agent is connected (the terminal also does this itself) */
  open: operatorProcedure
    .input(ZRemoteLoginRef)
    .mutation(({ ctx, input }) => remoteLogin.openRemoteLogin(ctx.db, ctx.hub, ctx.actor, input)),
  /** CloseConsoleSsh: ends the device's sessions and closes its remote-login tunnels */
  close: operatorProcedure
    .input(ZRemoteLoginRef)
    .mutation(({ ctx, input }) => remoteLogin.closeRemoteLogin(ctx.db, ctx.hub, ctx.actor, input)),
  sessions: viewerProcedure
    .input(ZListSshSessionsInput)
    .query(({ ctx, input }) => remoteLogin.listSshSessions(ctx.db, ctx.hub, input)),
  endSession: adminProcedure
    .input(ZSshSessionIdInput)
    .mutation(({ ctx, input }) => remoteLogin.endSshSession(ctx.db, ctx.hub, ctx.actor, input.sessionId)),
  /** the asciicast v2 text of a session, for the player and the download */
  recording: operatorProcedure
    .input(ZSshSessionIdInput)
    .query(({ ctx, input }) => remoteLogin.sshRecording(ctx.db, ctx.hub, input.sessionId)),
  shares: operatorProcedure.input(ZRemoteLoginRef).query(({ ctx, input }) => remoteLogin.listShares(ctx.db, input)),
  /** OpenConsoleSshShare: the link token and the password are in this answer only */
  createShare: operatorProcedure
    .input(ZRemoteLoginRef)
    .mutation(({ ctx, input }) => remoteLogin.createShare(ctx.db, ctx.hub, ctx.actor, input)),
  /** UpdateConsoleSshSharePwd: a new password, shown once */
  resetSharePassword: operatorProcedure
    .input(ZSshShareIdInput)
    .mutation(({ ctx, input }) => remoteLogin.resetSharePassword(ctx.db, ctx.hub, ctx.actor, input.shareId)),
  /** CloseConsoleSshShare */
  revokeShare: operatorProcedure
    .input(ZSshShareIdInput)
    .mutation(({ ctx, input }) => remoteLogin.revokeShare(ctx.db, ctx.hub, ctx.actor, input.shareId)),
  /** the device's SSH host key recorded at its first login (trust on first use), or null */
  hostKey: operatorProcedure.input(ZRemoteLoginRef).query(({ ctx, input }) => remoteLogin.deviceHostKey(ctx.db, input)),
  /** admins: forget the recorded host key (a re-installed device); the next login records the new one */
  forgetHostKey: adminProcedure
    .input(ZRemoteLoginRef)
    .mutation(({ ctx, input }) => remoteLogin.forgetHostKey(ctx.db, ctx.hub, ctx.actor, input)),
  /** the share link's recipient (no console account): share password → a ticket for the terminal */
  shareLogin: publicProcedure
    .input(ZShareLoginInput)
    .mutation(({ ctx, input }) => remoteLogin.shareLogin(ctx.db, ctx.hub, input, ctx.ip)),
})
