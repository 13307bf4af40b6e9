import { describe, expect, it } from 'vitest'
import * as alink from './index'

describe('public API', () => {
  it('exports the functions the broker pipeline, SDK, API and console rely on', () => {
    const expected = [
      // sign
      'parseClientId',
      'parseUsername',
      'parseDeviceConnect',
      'verifyDeviceConnect',
      'buildMqttCredentials',
      'computeSign',
      'verifySign',
      'signContent',
      // topics
      'parseTopic',
      'topics',
      'reply',
      'requestTopicOf',
      'methodForTopic',
      'formatSystemTopic',
      'deviceTopicAccess',
      'serverSideSubscriptions',
      'topicMatches',
      'isValidTopicFilter',
      'validateTopicClassSuffix',
      // alink
      'parseAlinkRequest',
      'parseAlinkRequestForTopic',
      'parseAlinkReply',
      'makeRequest',
      'makeReply',
      'newMessageId',
      'replyWanted',
      'encodeAlink',
      'ZAlinkRequest',
      'ZAlinkReply',
      // tsl
      'importTsl',
      'exportTsl',
      'exportTslModules',
      'checkThingModel',
      'validatePropertyPost',
      'validatePropertySet',
      'validateEventPost',
      'validateServiceInput',
      'validateServiceOutput',
      'validatePropertySetReply',
      'numericValue',
      'findProperty',
      // codes and limits
      'Codes',
      'describeCode',
      'codeMessage',
      'CODE_CATALOGUE',
      'RATE_LIMIT_EVENTS',
      'MAX_PROPERTIES_PER_POST',
      // tunnel
      'encodeTunnelFrame',
      'decodeTunnelFrame',
    ]
    const missing = expected.filter((name) => !(name in alink))
    expect(missing).toEqual([])
  })

  it('works end to end: authenticate, authorize, parse, validate, reply', () => {
    const creds = alink.buildMqttCredentials({
      productKey: 'pk1',
      deviceName: 'dev-0001',
      deviceSecret: 's3cret',
      timestamp: 1,
    })
    const auth = alink.verifyDeviceConnect(creds, 's3cret')
    expect(auth.ok).toBe(true)
    const topic = alink.topics.propertyPost('pk1', 'dev-0001')
    expect(
      alink.deviceTopicAccess({
        topic,
        action: 'publish',
        productKey: 'pk1',
        deviceName: 'dev-0001',
        topicClasses: [],
      }),
    ).toEqual({
      allowed: true,
    })
    const parsed = alink.parseTopic(topic)
    const request = alink.parseAlinkRequestForTopic('{"id":"3","version":"1.0","params":{"temp":99}}', parsed)
    if (!request.ok) throw new Error(request.error.message)
    const imported = alink.importTsl({
      properties: [
        {
          identifier: 'temp',
          name: 'temp',
          accessMode: 'r',
          dataType: { type: 'int', specs: { min: '0', max: '50' } },
        },
      ],
    })
    if (!imported.ok) throw new Error('import failed')
    const check = alink.validatePropertyPost(imported.model, request.value.params)
    expect(check).toMatchObject({ ok: false, code: alink.Codes.TSL_INT_INVALID })
    const reply = alink.makeReply(request.value, check.ok ? 200 : check.code, {}, check.ok ? undefined : check.message)
    expect(reply).toEqual({
      id: '3',
      code: 6306,
      data: {},
      message: 'temp expects int in [0, 50], got 99',
      method: 'thing.event.property.post',
      version: '1.0',
    })
  })
})
