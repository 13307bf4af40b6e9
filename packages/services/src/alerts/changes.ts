import { EventEmitter } from 'node:events'

/** In-process signal: scene or alert rules changed (the engine reloads at once; other nodes poll). */
export const ruleChanges = new EventEmitter()
export const rulesChanged = () => ruleChanges.emit('changed')
