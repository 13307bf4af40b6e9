/**
 * A small sensor thing model in the reference TSL format (temperature int −40…120 °C rw, humidity float 0…100 r,
 * power bool, event overheat (alert), services reboot (sync) and calibrate (async)), shared by the integration
 * tests, the e2e tests and the benchmarks.
 */
export const SENSOR_TSL = {
  schema: 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json',
  profile: { productKey: 'x' },
  properties: [
    {
      identifier: 'temperature',
      name: 'Temperature',
      accessMode: 'rw',
      required: false,
      dataType: { type: 'int', specs: { min: '-40', max: '120', step: '1', unit: '°C', unitName: 'Celsius' } },
    },
    {
      identifier: 'humidity',
      name: 'Humidity',
      accessMode: 'r',
      required: false,
      dataType: { type: 'float', specs: { min: '0', max: '100', step: '0.1', unit: '%' } },
    },
    {
      identifier: 'power',
      name: 'Power',
      accessMode: 'rw',
      required: false,
      dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } },
    },
  ],
  events: [
    {
      identifier: 'overheat',
      name: 'Overheat',
      type: 'alert',
      required: false,
      method: 'thing.event.overheat.post',
      outputData: [
        { identifier: 'level', name: 'Level', dataType: { type: 'int', specs: { min: '0', max: '10', step: '1' } } },
      ],
    },
  ],
  services: [
    {
      identifier: 'reboot',
      name: 'Reboot',
      callType: 'sync',
      required: false,
      method: 'thing.service.reboot',
      inputData: [
        { identifier: 'delay', name: 'Delay', dataType: { type: 'int', specs: { min: '0', max: '60', step: '1' } } },
      ],
      outputData: [{ identifier: 'ok', name: 'OK', dataType: { type: 'bool', specs: { '0': 'no', '1': 'yes' } } }],
    },
    {
      identifier: 'calibrate',
      name: 'Calibrate',
      callType: 'async',
      required: false,
      method: 'thing.service.calibrate',
      inputData: [],
      outputData: [],
    },
  ],
}
