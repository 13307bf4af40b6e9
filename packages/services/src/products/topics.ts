import { topics } from '@iotops/alink'

export interface TopicListing {
  topic: string
  operation: 'PUB' | 'SUB'
  description: string
}

/**
 * The system topics a device of a product uses, with the device's right on each (as the topic list of the
 * device page shows them). `deviceName` may be the placeholder `${deviceName}` for the product view.
 */
export function systemTopicsFor(pk: string, dn: string, gateway: boolean): TopicListing[] {
  const t = (topic: string, operation: 'PUB' | 'SUB', description: string) => ({ topic, operation, description })
  const list: TopicListing[] = [
    t(topics.propertyPost(pk, dn), 'PUB', 'property post'),
    t(topics.reply(topics.propertyPost(pk, dn)), 'SUB', 'property post reply'),
    t(topics.eventPost(pk, dn, '${tsl.event.identifier}'), 'PUB', 'event post'),
    t(topics.reply(topics.eventPost(pk, dn, '${tsl.event.identifier}')), 'SUB', 'event post reply'),
    t(topics.propertySet(pk, dn), 'SUB', 'property set'),
    t(topics.reply(topics.propertySet(pk, dn)), 'PUB', 'property set reply'),
    t(topics.service(pk, dn, '${tsl.service.identifier}'), 'SUB', 'service call'),
    t(topics.reply(topics.service(pk, dn, '${tsl.service.identifier}')), 'PUB', 'service call reply'),
    t(topics.rrpcRequest(pk, dn, '${messageId}'), 'SUB', 'synchronous call (RRPC) request'),
    t(topics.rrpcResponse(pk, dn, '${messageId}'), 'PUB', 'synchronous call (RRPC) response'),
    t(topics.desiredGet(pk, dn), 'PUB', 'get desired property values'),
    t(topics.deviceInfoUpdate(pk, dn), 'PUB', 'report device tags'),
    t(topics.otaInform(pk, dn), 'PUB', 'report the firmware version'),
    t(topics.otaUpgrade(pk, dn), 'SUB', 'firmware upgrade notice'),
    t(topics.otaProgress(pk, dn), 'PUB', 'upgrade progress'),
    t(topics.configGet(pk, dn), 'PUB', 'get the remote configuration'),
    t(topics.configPush(pk, dn), 'SUB', 'remote configuration push'),
    t(topics.logPost(pk, dn), 'PUB', 'upload device logs'),
    t(topics.tunnelNotify(pk, dn), 'SUB', 'secure tunnel notice'),
  ]
  if (gateway) {
    list.push(
      t(topics.topoAdd(pk, dn), 'PUB', 'add sub-device topology'),
      t(topics.topoGet(pk, dn), 'PUB', 'get sub-device topology'),
      t(topics.combineLogin(pk, dn), 'PUB', 'sub-device login'),
      t(topics.combineLogout(pk, dn), 'PUB', 'sub-device logout'),
    )
  }
  return list
}
