import type { Messages } from '@/i18n/messages/en-US'

type SystemTopicKey = keyof Messages['topic']['systemDescriptions']

/**
 * The API describes system topics in English (packages/services/src/products/topics.ts); the console shows them in
 * the user's language by matching those descriptions. An unknown description is shown as the server sent it.
 */
const BY_SERVER_TEXT: Record<string, SystemTopicKey> = {
  'property post': 'propertyPost',
  'property post reply': 'propertyPostReply',
  'event post': 'eventPost',
  'event post reply': 'eventPostReply',
  'property set': 'propertySet',
  'property set reply': 'propertySetReply',
  'service call': 'serviceCall',
  'service call reply': 'serviceCallReply',
  'synchronous call (RRPC) request': 'rrpcRequest',
  'synchronous call (RRPC) response': 'rrpcResponse',
  'get desired property values': 'desiredGet',
  'report device tags': 'deviceInfoUpdate',
  'report the firmware version': 'otaInform',
  'firmware upgrade notice': 'otaUpgrade',
  'upgrade progress': 'otaProgress',
  'get the remote configuration': 'configGet',
  'remote configuration push': 'configPush',
  'upload device logs': 'logPost',
  'secure tunnel notice': 'tunnelNotify',
  'add sub-device topology': 'topoAdd',
  'get sub-device topology': 'topoGet',
  'sub-device login': 'combineLogin',
  'sub-device logout': 'combineLogout',
}

export function systemTopicKey(description: string | null | undefined): SystemTopicKey | undefined {
  return description ? BY_SERVER_TEXT[description] : undefined
}
