export { AccessSession, TunnelAccess, TunnelError } from './access'
export {
  type AgentEvent,
  DEFAULT_SERVICES,
  type LocalService,
  parseServiceMapping,
  TunnelAgent,
  type TunnelAgentOptions,
  type TunnelNotice,
} from './agent'
