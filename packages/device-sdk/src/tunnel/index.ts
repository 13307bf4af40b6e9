export { AccessSession, TunnelAccess, TunnelError } from './access'
export {
  type AgentEvent,
  DEFAULT_SERVICES,
  type LocalService,
  type ProxyRequestReply,
  parseServiceMapping,
  REMOTE_LOGIN_REFRESH_MS,
  type RemoteLoginRequestOptions,
  TunnelAgent,
  type TunnelAgentOptions,
  type TunnelNotice,
} from './agent'
