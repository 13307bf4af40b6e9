/** The demo thermostat's thing model, in the reference TSL format (what `demo seed` imports). */
export const DEMO_TSL = {
  schema: 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json',
  profile: { productKey: 'demo' },
  properties: [
    {
      identifier: 'CurrentTemperature',
      name: 'Current temperature',
      accessMode: 'r',
      required: false,
      dataType: { type: 'float', specs: { min: '-40', max: '120', step: '0.1', unit: '°C', unitName: 'Celsius' } },
    },
    {
      identifier: 'TargetTemperature',
      name: 'Target temperature',
      accessMode: 'rw',
      required: false,
      dataType: { type: 'float', specs: { min: '5', max: '35', step: '0.5', unit: '°C', unitName: 'Celsius' } },
    },
    {
      identifier: 'Humidity',
      name: 'Humidity',
      accessMode: 'r',
      required: false,
      dataType: { type: 'int', specs: { min: '0', max: '100', step: '1', unit: '%', unitName: 'percent' } },
    },
    {
      identifier: 'PowerSwitch',
      name: 'Power',
      accessMode: 'rw',
      required: false,
      dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } },
    },
    {
      identifier: 'Mode',
      name: 'Mode',
      accessMode: 'rw',
      required: false,
      dataType: { type: 'enum', specs: { '0': 'auto', '1': 'cool', '2': 'heat' } },
    },
  ],
  events: [
    {
      identifier: 'HighTemperature',
      name: 'High temperature',
      type: 'alert',
      required: false,
      method: 'thing.event.HighTemperature.post',
      outputData: [
        {
          identifier: 'Temperature',
          name: 'Temperature',
          dataType: { type: 'float', specs: { min: '-40', max: '120', step: '0.1' } },
        },
      ],
    },
    {
      identifier: 'Fault',
      name: 'Fault',
      type: 'error',
      required: false,
      method: 'thing.event.Fault.post',
      outputData: [
        { identifier: 'Code', name: 'Code', dataType: { type: 'int', specs: { min: '0', max: '255', step: '1' } } },
      ],
    },
  ],
  services: [
    {
      identifier: 'Reboot',
      name: 'Reboot',
      callType: 'sync',
      required: false,
      method: 'thing.service.Reboot',
      inputData: [],
      outputData: [{ identifier: 'Result', name: 'Result', dataType: { type: 'text', specs: { length: '64' } } }],
    },
    {
      identifier: 'Calibrate',
      name: 'Calibrate',
      callType: 'async',
      required: false,
      method: 'thing.service.Calibrate',
      inputData: [
        {
          identifier: 'Offset',
          name: 'Offset',
          dataType: { type: 'float', specs: { min: '-5', max: '5', step: '0.1' } },
        },
      ],
      outputData: [],
    },
  ],
}
