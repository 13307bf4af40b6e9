export { AlarmEngine, type AlarmEngineOptions, type LimitEvent } from './engine'
export {
  type AlarmRuleView,
  createRule,
  deleteRule,
  enableWatermarkAlerts,
  getRule,
  listHistory,
  listRules,
  setRuleEnabled,
  updateRule,
} from './rules'
export { LEVELS, OPERATORS, SILENCE_CHOICES } from './schema'
