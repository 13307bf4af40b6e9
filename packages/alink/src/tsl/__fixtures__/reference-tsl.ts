/**
 * TSL documents in the reference platform's export format (spec values as strings, system
 * `post`/`set`/`get` included), used by the import/export/validation tests.
 */
export const PRODUCT_KEY = 'a1B2c3D4e5F'

const SCHEMA = 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json'

const PROPERTIES = [
  {
    identifier: 'PowerSwitch',
    name: '电源开关',
    accessMode: 'rw',
    required: false,
    dataType: { type: 'bool', specs: { '0': '关闭', '1': '开启' } },
  },
  {
    identifier: 'Temperature',
    name: '温度',
    accessMode: 'r',
    required: true,
    desc: 'ambient temperature',
    dataType: { type: 'float', specs: { min: '-40', max: '120', unit: '°C', unitName: '摄氏度', step: '0.1' } },
  },
  {
    identifier: 'Brightness',
    name: '亮度',
    accessMode: 'rw',
    required: false,
    dataType: { type: 'int', specs: { min: '0', max: '100', unit: '%', unitName: '百分比', step: '1' } },
  },
  {
    identifier: 'Energy',
    name: '累计电量',
    accessMode: 'r',
    required: false,
    dataType: { type: 'double', specs: { min: '0', max: '1000000', step: '0.001', unit: 'kW·h', unitName: '千瓦时' } },
  },
  {
    identifier: 'WorkMode',
    name: '工作模式',
    accessMode: 'rw',
    required: false,
    dataType: { type: 'enum', specs: { '0': '自动', '1': '手动', '2': '节能' } },
  },
  {
    identifier: 'Label',
    name: '标签',
    accessMode: 'rw',
    required: false,
    dataType: { type: 'text', specs: { length: '16' } },
  },
  {
    identifier: 'LastService',
    name: '上次维护',
    accessMode: 'r',
    required: false,
    dataType: { type: 'date', specs: {} },
  },
  {
    identifier: 'GeoLocation',
    name: '地理位置',
    accessMode: 'r',
    required: false,
    dataType: {
      type: 'struct',
      specs: [
        {
          identifier: 'Longitude',
          name: '经度',
          dataType: { type: 'double', specs: { min: '-180', max: '180', unit: '°', step: '0.01' } },
        },
        {
          identifier: 'Latitude',
          name: '纬度',
          dataType: { type: 'double', specs: { min: '-90', max: '90', step: '0.01' } },
        },
        {
          identifier: 'CoordinateSystem',
          name: '坐标系统',
          dataType: { type: 'enum', specs: { '1': 'WGS_84', '2': 'GCJ_02' } },
        },
      ],
    },
  },
  {
    identifier: 'Readings',
    name: '采样值',
    accessMode: 'r',
    required: false,
    dataType: { type: 'array', specs: { size: '4', item: { type: 'int' } } },
  },
  {
    identifier: 'Slots',
    name: '时段',
    accessMode: 'rw',
    required: false,
    dataType: {
      type: 'array',
      specs: {
        size: '2',
        item: {
          type: 'struct',
          specs: [
            {
              identifier: 'start',
              name: '开始',
              dataType: { type: 'int', specs: { min: '0', max: '1439', step: '1' } },
            },
            { identifier: 'on', name: '开关', dataType: { type: 'bool', specs: { '0': '关', '1': '开' } } },
          ],
        },
      },
    },
  },
]

const asParams = (props: ReadonlyArray<{ identifier: string; name: string; dataType: unknown }>) =>
  props.map(({ identifier, name, dataType }) => ({ identifier, name, dataType }))

/** The default module, as the reference console exports it. */
export const referenceDefaultTsl = {
  schema: SCHEMA,
  profile: { version: '1.0', productKey: PRODUCT_KEY },
  properties: PROPERTIES,
  events: [
    {
      identifier: 'post',
      name: 'post',
      type: 'info',
      required: true,
      desc: '属性上报',
      method: 'thing.event.property.post',
      outputData: asParams(PROPERTIES),
    },
    {
      identifier: 'Error',
      name: '故障上报',
      type: 'error',
      required: true,
      method: 'thing.event.Error.post',
      outputData: [
        {
          identifier: 'ErrorCode',
          name: '故障代码',
          dataType: { type: 'enum', specs: { '0': '正常', '1': '过热', '2': '过载' } },
        },
      ],
    },
    {
      identifier: 'Heartbeat',
      name: '心跳',
      type: 'info',
      required: false,
      method: 'thing.event.Heartbeat.post',
      outputData: [],
    },
  ],
  services: [
    {
      identifier: 'set',
      name: 'set',
      required: true,
      callType: 'async',
      desc: '属性设置',
      method: 'thing.service.property.set',
      inputData: asParams(PROPERTIES.filter((p) => p.accessMode === 'rw')),
      outputData: [],
    },
    {
      identifier: 'get',
      name: 'get',
      required: true,
      callType: 'async',
      desc: '属性获取',
      method: 'thing.service.property.get',
      inputData: PROPERTIES.map((p) => p.identifier),
      outputData: asParams(PROPERTIES),
    },
    {
      identifier: 'Reboot',
      name: '重启',
      required: false,
      callType: 'async',
      method: 'thing.service.Reboot',
      inputData: [
        {
          identifier: 'delay',
          name: '延时',
          dataType: { type: 'int', specs: { min: '0', max: '60', unit: 's', unitName: '秒', step: '1' } },
        },
      ],
      outputData: [{ identifier: 'result', name: '结果', dataType: { type: 'text', specs: { length: '64' } } }],
    },
    {
      identifier: 'Calibrate',
      name: '校准',
      required: false,
      callType: 'sync',
      method: 'thing.service.Calibrate',
      inputData: [
        {
          identifier: 'offset',
          name: '偏移',
          dataType: { type: 'double', specs: { min: '-10', max: '10', step: '0.01' } },
        },
        { identifier: 'persist', name: '保存', dataType: { type: 'bool', specs: { '0': '否', '1': '是' } } },
      ],
      outputData: [],
    },
  ],
}

const FAN_PROPERTIES = [
  {
    identifier: 'Speed',
    name: '转速',
    accessMode: 'rw',
    required: false,
    dataType: { type: 'int', specs: { min: '0', max: '3000', step: '1', unit: 'rpm', unitName: '转每分钟' } },
  },
]

/** A custom module ("functionBlock"), as the reference exports it. */
export const referenceFanModuleTsl = {
  schema: SCHEMA,
  profile: { productKey: PRODUCT_KEY },
  functionBlockId: 'fan',
  functionBlockName: '风扇',
  properties: FAN_PROPERTIES,
  events: [
    {
      identifier: 'post',
      name: 'post',
      type: 'info',
      required: true,
      method: 'thing.event.property.post',
      outputData: asParams(FAN_PROPERTIES),
    },
    {
      identifier: 'Overheat',
      name: '过热',
      type: 'alert',
      required: false,
      method: 'thing.event.fan:Overheat.post',
      outputData: [{ identifier: 'temp', name: '温度', dataType: { type: 'float', specs: { min: '0', max: '200' } } }],
    },
  ],
  services: [
    {
      identifier: 'set',
      name: 'set',
      required: true,
      callType: 'async',
      method: 'thing.service.property.set',
      inputData: asParams(FAN_PROPERTIES),
      outputData: [],
    },
    {
      identifier: 'get',
      name: 'get',
      required: true,
      callType: 'async',
      method: 'thing.service.property.get',
      inputData: ['Speed'],
      outputData: asParams(FAN_PROPERTIES),
    },
    {
      identifier: 'Stop',
      name: '停止',
      required: false,
      callType: 'async',
      method: 'thing.service.fan:Stop',
      inputData: [],
      outputData: [],
    },
  ],
}

/** A deep copy to mutate in a test. */
export function clone<T>(value: T): T {
  return structuredClone(value)
}
