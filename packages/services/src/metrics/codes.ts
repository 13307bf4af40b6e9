/**
 * The one catalogue of monitoring metrics: codes as the reference platform names them in alarm messages
 * (MessageCountSentToIoT_MQTT, OnlineDevicesCount_MQTT, DeviceServiceCallError…), with the protocol split
 * extended to MQTT over WebSocket.
 *
 * - Area metrics are minute points in `metric_point` per product ('' for instance-level ones); counters add up
 *   in a period, gauges take the last value of the period and add across products.
 * - Ranking metrics are day counters in `daily_rank` per subject (a device, a thing-model identifier or a topic
 *   class) and show as top-5 cards.
 */
export const Metric = {
  // devices
  OnlineMqtt: 'OnlineDevicesCount_MQTT',
  OnlineWs: 'OnlineDevicesCount_MQTT_WS',
  NewOnline: 'NewOnlineDevicesCount',
  NewOffline: 'NewOfflineDevicesCount',
  AuthFailures: 'DeviceAuthFailCount',
  // messages
  UpMqtt: 'MessageCountSentToIoT_MQTT',
  UpWs: 'MessageCountSentToIoT_MQTT_WS',
  DownMqtt: 'MessageCountSentFromIoT_MQTT',
  DownWs: 'MessageCountSentFromIoT_MQTT_WS',
  UpBytesMqtt: 'MessageSizeSentToIoT_MQTT',
  UpBytesWs: 'MessageSizeSentToIoT_MQTT_WS',
  DownBytesMqtt: 'MessageSizeSentFromIoT_MQTT',
  DownBytesWs: 'MessageSizeSentFromIoT_MQTT_WS',
  // thing model
  PropertyPosts: 'DevicePropertyReportCount',
  PropertyPostErrors: 'DevicePropertyReportError',
  EventPosts: 'DeviceEventReportCount',
  EventPostsInfo: 'DeviceEventReportCount_info',
  EventPostsAlert: 'DeviceEventReportCount_alert',
  EventPostsError: 'DeviceEventReportCount_error',
  EventPostErrors: 'DeviceEventReportError',
  PropertySets: 'DevicePropertySettingCount',
  PropertySetErrors: 'DevicePropertySettingError',
  ServiceCalls: 'DeviceServiceCallCount',
  ServiceCallErrors: 'DeviceServiceCallError',
  // rule engine (data forwarding): all destinations, then per destination type (REPUBLISH, RDS = PostgreSQL,
  // MQ = the queue, WEBHOOK); latency in ms, the minute's slowest row
  Forwarded: 'MessageCountForwardedThroughRuleEngine',
  ForwardedRepublish: 'MessageCountForwardedThroughRuleEngine_REPUBLISH',
  ForwardedBytesRepublish: 'MessageSizeForwardedThroughRuleEngine_REPUBLISH',
  ForwardFailedRepublish: 'MessageCountForwardFailedThroughRuleEngine_REPUBLISH',
  ForwardLatencyMaxRepublish: 'MessageLatencyForwardedThroughRuleEngine_REPUBLISH_max',
  ForwardedRds: 'MessageCountForwardedThroughRuleEngine_RDS',
  ForwardedBytesRds: 'MessageSizeForwardedThroughRuleEngine_RDS',
  ForwardFailedRds: 'MessageCountForwardFailedThroughRuleEngine_RDS',
  ForwardLatencyMaxRds: 'MessageLatencyForwardedThroughRuleEngine_RDS_max',
  ForwardedMq: 'MessageCountForwardedThroughRuleEngine_MQ',
  ForwardedBytesMq: 'MessageSizeForwardedThroughRuleEngine_MQ',
  ForwardFailedMq: 'MessageCountForwardFailedThroughRuleEngine_MQ',
  ForwardLatencyMaxMq: 'MessageLatencyForwardedThroughRuleEngine_MQ_max',
  ForwardedWebhook: 'MessageCountForwardedThroughRuleEngine_WEBHOOK',
  ForwardedBytesWebhook: 'MessageSizeForwardedThroughRuleEngine_WEBHOOK',
  ForwardFailedWebhook: 'MessageCountForwardFailedThroughRuleEngine_WEBHOOK',
  ForwardLatencyMaxWebhook: 'MessageLatencyForwardedThroughRuleEngine_WEBHOOK_max',
  // server-side subscription: per consumer group (product_key = the group id) and in total (ALL_PRODUCTS)
  AmqpAccumulate: 'AMQP_Msg_Accumulate',
  AmqpConsumeRate: 'AMQP_Msg_Consume_rate',
  // OTA: counted as upgrades land
  OtaDevices: 'OtaUpgradeDeviceCount',
  OtaSuccessDevices: 'OtaUpgradeSuccessDeviceCount',
  OtaSuccess: 'OtaUpgradeSuccessCount',
  OtaFail: 'OtaUpgradeFailCount',
  // instance watermarks (percent of the configured instance spec), product_key ''
  DeviceNumWatermark: 'DeviceNum_instance',
  MessageTpsWatermark: 'MessageWatermarkTps_instance',
  ForwardTpsWatermark: 'RuleEngineWatermarkTps_instance',
} as const
export type MetricCode = (typeof Metric)[keyof typeof Metric]

/**
 * The product key of the all-products total kept beside each product's counters, so a board of all products reads
 * one series instead of adding up every product's (instance-level metrics use '').
 */
export const ALL_PRODUCTS = '*'

/** How a thing-model property metric aggregates the values of a period. */
export type Aggregation = 'latest' | 'count' | 'sum' | 'min' | 'max' | 'avg'
export const AGGREGATIONS: readonly Aggregation[] = ['latest', 'count', 'sum', 'min', 'max', 'avg']

/** Up/down message and byte counters by the transport the device connected with. */
export const byProtocol = {
  MQTT: { up: Metric.UpMqtt, down: Metric.DownMqtt, upBytes: Metric.UpBytesMqtt, downBytes: Metric.DownBytesMqtt },
  MQTT_WS: { up: Metric.UpWs, down: Metric.DownWs, upBytes: Metric.UpBytesWs, downBytes: Metric.DownBytesWs },
} as const
export type Protocol = keyof typeof byProtocol

/** Day counters per subject, for the top-5 cards and the ops dashboard. */
export const Rank = {
  // subject: device name
  Connects: 'DailyConnects',
  Disconnects: 'DailyDisconnects',
  UpMessages: 'DailyUpMessages',
  DownMessages: 'DailyDownMessages',
  UpBytes: 'DailyUpBytes',
  DownBytes: 'DailyDownBytes',
  DeviceEventsInfo: 'DailyDeviceEvents_info',
  DeviceEventsAlert: 'DailyDeviceEvents_alert',
  DeviceEventsError: 'DailyDeviceEvents_error',
  /** round trip platform → device → reply, milliseconds summed, and how many */
  RttSum: 'DailyRttSum',
  RttCount: 'DailyRttCount',
  // subject: thing-model identifier (module:id for modules)
  PropertyPosts: 'DailyPropertyPosts',
  PropertyPostErrors: 'DailyPropertyPostErrors',
  PropertySets: 'DailyPropertySets',
  PropertySetErrors: 'DailyPropertySetErrors',
  ServiceCalls: 'DailyServiceCalls',
  ServiceCallErrors: 'DailyServiceCallErrors',
  EventsInfo: 'DailyEvents_info',
  EventsAlert: 'DailyEvents_alert',
  EventsError: 'DailyEvents_error',
  EventErrors: 'DailyEventErrors',
  // subject: topic class, e.g. /sys/${productKey}/${deviceName}/thing/event/property/post
  TopicMessages: 'DailyTopicMessages',
} as const
export type RankCode = (typeof Rank)[keyof typeof Rank]

export type EventType = 'info' | 'alert' | 'error'
export const eventMetric = { info: Metric.EventPostsInfo, alert: Metric.EventPostsAlert, error: Metric.EventPostsError }
export const deviceEventRank = {
  info: Rank.DeviceEventsInfo,
  alert: Rank.DeviceEventsAlert,
  error: Rank.DeviceEventsError,
}
export const eventRank = { info: Rank.EventsInfo, alert: Rank.EventsAlert, error: Rank.EventsError }

export type MetricCategory = 'device' | 'message' | 'thing' | 'rule' | 'ota' | 'instance'

interface AreaDef {
  code: MetricCode
  category: MetricCategory
  chart: 'area'
  /** counter: sum over a period; gauge: last value in the period */
  kind: 'counter' | 'gauge'
  unit?: 'bytes' | 'percent' | 'ms'
  /** instance-level: one series for the whole instance, no product dimension */
  instance?: boolean
  /**
   * what a series is: a product (the default), or a server-side subscription consumer group (the metric's
   * product_key holds the group id; ALL_PRODUCTS the instance total)
   */
  dimension?: 'product' | 'consumerGroup'
}
interface RankDef {
  code: string
  category: MetricCategory
  chart: 'rank'
  /** what is ranked */
  subject: 'device' | 'identifier' | 'topic' | 'province' | 'city'
  /** day counters added (flips = connects + disconnects) or a region count */
  sums: readonly RankCode[]
  unit?: 'bytes'
}
export type MetricDef = AreaDef | RankDef

const area = (code: MetricCode, category: MetricCategory, o: Partial<AreaDef> = {}): AreaDef => ({
  code,
  category,
  chart: 'area',
  kind: 'counter',
  ...o,
})
const rank = (
  code: string,
  category: MetricCategory,
  subject: RankDef['subject'],
  sums: RankCode[],
  o: Partial<RankDef> = {},
): RankDef => ({
  code,
  category,
  chart: 'rank',
  subject,
  sums,
  ...o,
})

/** Every metric a board card or an alarm rule can show, in the order the add-metric dialog lists them. */
export const METRICS: readonly MetricDef[] = [
  area(Metric.OnlineMqtt, 'device', { kind: 'gauge' }),
  area(Metric.OnlineWs, 'device', { kind: 'gauge' }),
  area(Metric.NewOnline, 'device'),
  area(Metric.NewOffline, 'device'),
  area(Metric.AuthFailures, 'device'),
  rank('DailyConnectsTop', 'device', 'device', [Rank.Connects]),
  rank('DailyDisconnectsTop', 'device', 'device', [Rank.Disconnects]),
  rank('DailyFlipsTop', 'device', 'device', [Rank.Connects, Rank.Disconnects]),
  rank('OnlineDevicesByProvince', 'device', 'province', []),
  rank('OnlineDevicesByCity', 'device', 'city', []),
  rank('ActivatedDevicesByProvince', 'device', 'province', []),
  rank('ActivatedDevicesByCity', 'device', 'city', []),
  area(Metric.UpMqtt, 'message'),
  area(Metric.UpWs, 'message'),
  area(Metric.DownMqtt, 'message'),
  area(Metric.DownWs, 'message'),
  area(Metric.UpBytesMqtt, 'message', { unit: 'bytes' }),
  area(Metric.UpBytesWs, 'message', { unit: 'bytes' }),
  area(Metric.DownBytesMqtt, 'message', { unit: 'bytes' }),
  area(Metric.DownBytesWs, 'message', { unit: 'bytes' }),
  rank('DailyUpMessagesTop', 'message', 'device', [Rank.UpMessages]),
  rank('DailyDownMessagesTop', 'message', 'device', [Rank.DownMessages]),
  rank('DailyUpBytesTop', 'message', 'device', [Rank.UpBytes], { unit: 'bytes' }),
  rank('DailyDownBytesTop', 'message', 'device', [Rank.DownBytes], { unit: 'bytes' }),
  area(Metric.PropertyPosts, 'thing'),
  area(Metric.PropertyPostErrors, 'thing'),
  area(Metric.EventPosts, 'thing'),
  area(Metric.EventPostsInfo, 'thing'),
  area(Metric.EventPostsAlert, 'thing'),
  area(Metric.EventPostsError, 'thing'),
  area(Metric.EventPostErrors, 'thing'),
  area(Metric.PropertySets, 'thing'),
  area(Metric.PropertySetErrors, 'thing'),
  area(Metric.ServiceCalls, 'thing'),
  area(Metric.ServiceCallErrors, 'thing'),
  rank('DailyPropertyPostsTop', 'thing', 'identifier', [Rank.PropertyPosts]),
  rank('DailyPropertySetsTop', 'thing', 'identifier', [Rank.PropertySets]),
  rank('DailyPropertySetErrorsTop', 'thing', 'identifier', [Rank.PropertySetErrors]),
  rank('DailyServiceCallsTop', 'thing', 'identifier', [Rank.ServiceCalls]),
  rank('DailyServiceCallErrorsTop', 'thing', 'identifier', [Rank.ServiceCallErrors]),
  rank('DailyAlertEventsTop', 'thing', 'identifier', [Rank.EventsAlert]),
  rank('DailyErrorEventsTop', 'thing', 'identifier', [Rank.EventsError]),
  rank('DailyEventErrorsTop', 'thing', 'identifier', [Rank.EventErrors]),
  area(Metric.Forwarded, 'rule'),
  area(Metric.ForwardedRepublish, 'rule'),
  area(Metric.ForwardedBytesRepublish, 'rule', { unit: 'bytes' }),
  area(Metric.ForwardFailedRepublish, 'rule'),
  area(Metric.ForwardLatencyMaxRepublish, 'rule', { kind: 'gauge', unit: 'ms' }),
  area(Metric.ForwardedRds, 'rule'),
  area(Metric.ForwardedBytesRds, 'rule', { unit: 'bytes' }),
  area(Metric.ForwardFailedRds, 'rule'),
  area(Metric.ForwardLatencyMaxRds, 'rule', { kind: 'gauge', unit: 'ms' }),
  area(Metric.ForwardedMq, 'rule'),
  area(Metric.ForwardedBytesMq, 'rule', { unit: 'bytes' }),
  area(Metric.ForwardFailedMq, 'rule'),
  area(Metric.ForwardLatencyMaxMq, 'rule', { kind: 'gauge', unit: 'ms' }),
  area(Metric.ForwardedWebhook, 'rule'),
  area(Metric.ForwardedBytesWebhook, 'rule', { unit: 'bytes' }),
  area(Metric.ForwardFailedWebhook, 'rule'),
  area(Metric.ForwardLatencyMaxWebhook, 'rule', { kind: 'gauge', unit: 'ms' }),
  // consumer-group backlog (messages) and consume rate (messages/s): per group and in total, sampled every 10 s
  area(Metric.AmqpAccumulate, 'rule', { kind: 'gauge', dimension: 'consumerGroup' }),
  area(Metric.AmqpConsumeRate, 'rule', { kind: 'gauge', dimension: 'consumerGroup' }),
  area(Metric.OtaDevices, 'ota'),
  area(Metric.OtaSuccessDevices, 'ota'),
  area(Metric.OtaSuccess, 'ota'),
  area(Metric.OtaFail, 'ota'),
  area(Metric.DeviceNumWatermark, 'instance', { kind: 'gauge', unit: 'percent', instance: true }),
  area(Metric.MessageTpsWatermark, 'instance', { kind: 'gauge', unit: 'percent', instance: true }),
  area(Metric.ForwardTpsWatermark, 'instance', { kind: 'gauge', unit: 'percent', instance: true }),
]

const byCode = new Map(METRICS.map((m) => [m.code, m]))
export const metricDef = (code: string): MetricDef | undefined => byCode.get(code)
export const isAreaMetric = (code: string) => byCode.get(code)?.chart === 'area'

/** The instance-spec watermarks (percent of the spec), which the one-click alert watches. */
export const WATERMARK_METRICS = [
  Metric.DeviceNumWatermark,
  Metric.MessageTpsWatermark,
  Metric.ForwardTpsWatermark,
] as const

/** The cards a new board starts with. */
export const DEFAULT_CARDS: readonly MetricCode[] = [
  Metric.OnlineMqtt,
  Metric.UpMqtt,
  Metric.DownMqtt,
  Metric.Forwarded,
]
