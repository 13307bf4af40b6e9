// The alert center: scene-linkage rules (triggers → conditions → actions, evaluated by the SceneEngine from the
// hub's events and a minute clock), alert rules (level, channels, escalation) and the alerts they raise.
export * from './alerts'
export { ruleChanges } from './changes'
export { cronMatches, inTimeWindow, nextRuns, parseCron, wallClock } from './cron'
export { type ActionResult, SceneEngine, type SceneEngineOptions } from './engine'
export { compare, matchTrigger, type SceneEvent, type TriggerMatch } from './evaluate'
export * from './rules'
export * from './scenes'
