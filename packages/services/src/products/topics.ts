import { topics } from '@iotops/alink'

export interface TopicListing {
  topic: string
  operation: 'PUB' | 'SUB'
  /** stable name of the topic's role; the console shows it in the user's language */
  key: string
  /** the same in English, for API users */
  description: string
}

/**
 * The system topics a device of a product uses, with the device's right on each (as the topic list of the
 * device page shows them). `deviceName` may be the placeholder `${deviceName}` for the product view.
 */
export function systemTopicsFor(pk: string, dn: string, gateway: boolean): TopicListing[] {
  const t = (topic: string, operation: 'PUB' | 'SUB', key: string, description: string) => ({
    topic,
    operation,
    key,
    description,
  })
  const list: TopicListing[] = [
    t(topics.propertyPost(pk, dn), 'PUB', 'propertyPost', 'property post'),
    t(topics.reply(topics.propertyPost(pk, dn)), 'SUB', 'propertyPostReply', 'property post reply'),
    t(topics.eventPost(pk, dn, '${tsl.event.identifier}'), 'PUB', 'eventPost', 'event post'),
    t(topics.reply(topics.eventPost(pk, dn, '${tsl.event.identifier}')), 'SUB', 'eventPostReply', 'event post reply'),
    t(topics.propertySet(pk, dn), 'SUB', 'propertySet', 'property set'),
    t(topics.reply(topics.propertySet(pk, dn)), 'PUB', 'propertySetReply', 'property set reply'),
    t(topics.service(pk, dn, '${tsl.service.identifier}'), 'SUB', 'serviceCall', 'service call'),
    t(
      topics.reply(topics.service(pk, dn, '${tsl.service.identifier}')),
      'PUB',
      'serviceCallReply',
      'service call reply',
    ),
    t(topics.rrpcRequest(pk, dn, '${messageId}'), 'SUB', 'rrpcRequest', 'synchronous call (RRPC) request'),
    t(topics.rrpcResponse(pk, dn, '${messageId}'), 'PUB', 'rrpcResponse', 'synchronous call (RRPC) response'),
    t(topics.desiredGet(pk, dn), 'PUB', 'desiredGet', 'get desired property values'),
    t(topics.deviceInfoUpdate(pk, dn), 'PUB', 'deviceInfoUpdate', 'report device tags'),
    t(topics.otaInform(pk, dn), 'PUB', 'otaInform', 'report the firmware version'),
    t(topics.otaUpgrade(pk, dn), 'SUB', 'otaUpgrade', 'firmware upgrade notice'),
    t(topics.otaProgress(pk, dn), 'PUB', 'otaProgress', 'upgrade progress'),
    t(topics.configGet(pk, dn), 'PUB', 'configGet', 'get the remote configuration'),
    t(topics.configPush(pk, dn), 'SUB', 'configPush', 'remote configuration push'),
    t(topics.logPost(pk, dn), 'PUB', 'logPost', 'upload device logs'),
    t(topics.tunnelNotify(pk, dn), 'SUB', 'tunnelNotify', 'secure tunnel notice'),
  ]
  if (gateway) {
    list.push(
      t(topics.topoAdd(pk, dn), 'PUB', 'topoAdd', 'add sub-device topology'),
      t(topics.topoGet(pk, dn), 'PUB', 'topoGet', 'get sub-device topology'),
      t(topics.combineLogin(pk, dn), 'PUB', 'combineLogin', 'sub-device login'),
      t(topics.combineLogout(pk, dn), 'PUB', 'combineLogout', 'sub-device logout'),
    )
  }
  return list
}
