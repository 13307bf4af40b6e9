import { describe, expect, it } from 'vitest'
import { referenceDefaultTsl, referenceFanModuleTsl } from './__fixtures__/reference-tsl'
import { importTsl } from './import'
import type { DataType, ThingModel } from './types'
import {
  numericValue,
  validateEventPost,
  validatePropertyPost,
  validatePropertySet,
  validatePropertySetReply,
  validateServiceInput,
  validateServiceOutput,
  validateValue,
} from './validate'

const model: ThingModel = (() => {
  const r = importTsl([referenceDefaultTsl, referenceFanModuleTsl])
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.model
})()

const post = (params: unknown) => validatePropertyPost(model, params)
const GEO = { Longitude: 120.1, Latitude: 30.2, CoordinateSystem: 1 }

describe('validatePropertyPost: accepted values', () => {
  it('accepts bare values and { value, time }', () => {
    expect(post({ Temperature: 21.5, PowerSwitch: { value: 1, time: 1700000000000 }, 'fan:Speed': 1200 })).toEqual({
      ok: true,
      values: [
        { identifier: 'Temperature', value: 21.5 },
        { identifier: 'PowerSwitch', value: 1, time: 1700000000000 },
        { identifier: 'fan:Speed', value: 1200 },
      ],
    })
  })

  it('accepts every data type of the fixture at its limits', () => {
    const r = post({
      PowerSwitch: 0,
      Temperature: -40,
      Brightness: 100,
      Energy: 1000000,
      WorkMode: 2,
      Label: 'abcdefghijklmnop',
      LastService: '1700000000000',
      GeoLocation: GEO,
      Readings: [1, 2, 3, 4],
      Slots: [
        { start: 0, on: 1 },
        { start: 1439, on: 0 },
      ],
    })
    expect(r.ok && r.values.map((v) => v.identifier)).toHaveLength(10)
    expect(post({ LastService: 1700000000000, Readings: [], Slots: [] }).ok).toBe(true)
  })

  it('measures text length in UTF-8 bytes', () => {
    expect(post({ Label: '温度传感器' }).ok).toBe(true) // 5 × 3 = 15 bytes
    expect(post({ Label: '温度传感器一' })).toMatchObject({
      ok: false,
      code: 6310,
      message: expect.stringMatching(/18 bytes/),
    })
  })

  it('accepts an empty post', () => {
    expect(post({})).toEqual({ ok: true, values: [] })
  })
})

describe('validatePropertyPost: documented error codes', () => {
  it.each<[string, unknown, number, string, RegExp]>([
    ['params not an object', [1, 2], 6332, '', /must be an object/],
    ['params null', null, 6332, '', /must be an object/],
    ['unknown property', { Humidity: 40 }, 5092, 'Humidity', /"Humidity" is not defined/],
    ['unknown module', { 'pump:Speed': 1 }, 5490, 'pump:Speed', /module "pump"/],
    ['int out of range', { Brightness: 101 }, 6306, 'Brightness', /Brightness expects int in \[0, 100\], got 101/],
    ['int not an integer', { Brightness: 50.5 }, 6306, 'Brightness', /not a 32-bit integer/],
    ['int as a string', { Brightness: '50' }, 6306, 'Brightness', /got "50"/],
    ['float out of range', { Temperature: 130 }, 6307, 'Temperature', /float in \[-40, 120\], got 130/],
    ['float NaN-like string', { Temperature: 'NaN' }, 6307, 'Temperature', /expects float/],
    ['double out of range', { Energy: -1 }, 6322, 'Energy', /double in \[0, 1000000\]/],
    ['bool true', { PowerSwitch: true }, 6308, 'PowerSwitch', /bool 0 \(关闭\) or 1 \(开启\), got true/],
    ['bool 2', { PowerSwitch: 2 }, 6308, 'PowerSwitch', /got 2/],
    ['enum not listed', { WorkMode: 3 }, 6309, 'WorkMode', /one of 0 \(自动\), 1 \(手动\), 2 \(节能\), got 3/],
    ['enum as a string', { WorkMode: '1' }, 6309, 'WorkMode', /got "1"/],
    ['text not a string', { Label: 5 }, 6310, 'Label', /expects text/],
    ['text too long', { Label: 'x'.repeat(17) }, 6310, 'Label', /17 bytes long; at most 16/],
    ['date not digits', { LastService: '2024-01-01' }, 6311, 'LastService', /UTC timestamp in milliseconds/],
    ['date negative', { LastService: -5 }, 6311, 'LastService', /got -5/],
    ['struct not an object', { GeoLocation: 'here' }, 6312, 'GeoLocation', /expects a struct object/],
    [
      'struct member missing',
      { GeoLocation: { Longitude: 1, Latitude: 2 } },
      6312,
      'GeoLocation',
      /lacks member\(s\) CoordinateSystem/,
    ],
    ['struct member unknown', { GeoLocation: { ...GEO, Altitude: 3 } }, 6304, 'GeoLocation', /no member "Altitude"/],
    [
      'struct member of the wrong type',
      { GeoLocation: { ...GEO, Latitude: 91 } },
      6322,
      'GeoLocation',
      /GeoLocation\.Latitude expects double in \[-90, 90\]/,
    ],
    ['array not an array', { Readings: 5 }, 6328, 'Readings', /expects an array/],
    ['array too long', { Readings: [1, 2, 3, 4, 5] }, 6324, 'Readings', /holds 5 items; at most 4/],
    [
      'array item of the wrong type',
      { Readings: [1, 'x'] },
      6324,
      'Readings',
      /Readings\[1\] expects int.*array of int/,
    ],
    [
      'array of struct with a bad item',
      { Slots: [{ start: 1440, on: 1 }] },
      6324,
      'Slots',
      /Slots\[0\]\.start expects int in \[0, 1439\]/,
    ],
    ['bad time', { Temperature: { value: 20, time: 'yesterday' } }, 6332, 'Temperature', /time of "Temperature"/],
  ])('%s → %i', (_label, params, code, identifier, message) => {
    const r = post(params)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.code).toBe(code)
      expect(r.identifier).toBe(identifier)
      expect(r.message).toMatch(message)
    }
  })

  it('refuses more than 200 properties with 6106', () => {
    const params = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`p${i}`, 1]))
    expect(post(params)).toMatchObject({ ok: false, code: 6106, message: expect.stringMatching(/201 properties/) })
  })

  it('does not mistake a struct with members value/time for a timed value', () => {
    const r = importTsl({
      properties: [
        {
          identifier: 'Sample',
          name: 'sample',
          accessMode: 'r',
          dataType: {
            type: 'struct',
            specs: [
              { identifier: 'value', name: 'v', dataType: { type: 'int', specs: { min: '0', max: '9' } } },
              { identifier: 'time', name: 't', dataType: { type: 'int', specs: { min: '0', max: '9' } } },
            ],
          },
        },
      ],
    })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    expect(validatePropertyPost(r.model, { Sample: { value: 1, time: 2 } })).toEqual({
      ok: true,
      values: [{ identifier: 'Sample', value: { value: 1, time: 2 } }],
    })
  })
})

describe('validatePropertySet', () => {
  it('accepts writable properties', () => {
    expect(validatePropertySet(model, { PowerSwitch: 0, 'fan:Speed': 3000 })).toEqual({
      ok: true,
      values: [
        { identifier: 'PowerSwitch', value: 0 },
        { identifier: 'fan:Speed', value: 3000 },
      ],
    })
  })
  it('refuses read-only properties with 6332', () => {
    expect(validatePropertySet(model, { Temperature: 20 })).toMatchObject({
      ok: false,
      code: 6332,
      identifier: 'Temperature',
      message: expect.stringMatching(/read-only/),
    })
  })
  it('refuses unknown properties, bad values and empty items', () => {
    expect(validatePropertySet(model, { Nope: 1 })).toMatchObject({ ok: false, code: 5092 })
    expect(validatePropertySet(model, { Brightness: -1 })).toMatchObject({ ok: false, code: 6306 })
    expect(validatePropertySet(model, {})).toMatchObject({
      ok: false,
      code: 6332,
      message: expect.stringMatching(/empty/),
    })
    expect(validatePropertySet(model, 'PowerSwitch=1')).toMatchObject({ ok: false, code: 6332 })
  })
})

describe('validateEventPost', () => {
  it('accepts bare output parameters and the { value, time } wrapper', () => {
    expect(validateEventPost(model, 'Error', { ErrorCode: 1 })).toEqual({
      ok: true,
      identifier: 'Error',
      type: 'error',
      values: { ErrorCode: 1 },
    })
    expect(validateEventPost(model, 'Error', { value: { ErrorCode: 2 }, time: 1700000000000 })).toEqual({
      ok: true,
      identifier: 'Error',
      type: 'error',
      values: { ErrorCode: 2 },
      time: 1700000000000,
    })
    expect(validateEventPost(model, 'fan:Overheat', { temp: 95.5 })).toMatchObject({ ok: true, type: 'alert' })
    expect(validateEventPost(model, 'Heartbeat', {})).toMatchObject({ ok: true, values: {} })
  })
  it('maps failures to 5096 / 5490 / 6332 / type codes', () => {
    expect(validateEventPost(model, 'Explosion', {})).toMatchObject({ ok: false, code: 5096, identifier: 'Explosion' })
    expect(validateEventPost(model, 'pump:Overheat', {})).toMatchObject({ ok: false, code: 5490 })
    expect(validateEventPost(model, 'Overheat', {})).toMatchObject({ ok: false, code: 5096 }) // lives in module fan
    expect(validateEventPost(model, 'Error', { ErrorCode: 1, Extra: 1 })).toMatchObject({
      ok: false,
      code: 6332,
      message: expect.stringMatching(/"Extra" is not an output parameter of "Error" \(defined: ErrorCode\)/),
    })
    expect(validateEventPost(model, 'Error', { ErrorCode: 9 })).toMatchObject({
      ok: false,
      code: 6309,
      path: 'Error.ErrorCode',
    })
    expect(validateEventPost(model, 'Error', 'boom')).toMatchObject({ ok: false, code: 6332 })
  })
})

describe('validateServiceInput / validateServiceOutput', () => {
  it('accepts complete arguments', () => {
    expect(validateServiceInput(model, 'Reboot', { delay: 5 })).toEqual({
      ok: true,
      identifier: 'Reboot',
      callType: 'async',
      values: { delay: 5 },
    })
    expect(validateServiceInput(model, 'Calibrate', { offset: -2.5, persist: 1 })).toMatchObject({
      ok: true,
      callType: 'sync',
    })
    expect(validateServiceInput(model, 'fan:Stop', undefined)).toMatchObject({ ok: true, values: {} })
  })
  it('maps failures to 5094 / 5490 / 6302 / 6332 / type codes', () => {
    expect(validateServiceInput(model, 'Explode', {})).toMatchObject({ ok: false, code: 5094, identifier: 'Explode' })
    expect(validateServiceInput(model, 'pump:Stop', {})).toMatchObject({ ok: false, code: 5490 })
    expect(validateServiceInput(model, 'Calibrate', { offset: 1 })).toMatchObject({
      ok: false,
      code: 6302,
      path: 'persist',
      message: expect.stringMatching(/input parameter "persist" of "Calibrate" is missing/),
    })
    expect(validateServiceInput(model, 'Reboot', { delay: 5, force: true })).toMatchObject({ ok: false, code: 6332 })
    expect(validateServiceInput(model, 'Reboot', { delay: 61 })).toMatchObject({
      ok: false,
      code: 6306,
      identifier: 'Reboot',
      message: expect.stringMatching(/Reboot\.delay expects int in \[0, 60\], got 61/),
    })
  })
  it('checks service output, allowing omitted parameters', () => {
    expect(validateServiceOutput(model, 'Reboot', { result: 'ok' })).toMatchObject({
      ok: true,
      values: { result: 'ok' },
    })
    expect(validateServiceOutput(model, 'Reboot', {})).toMatchObject({ ok: true, values: {} })
    expect(validateServiceOutput(model, 'Reboot', { result: 7 })).toMatchObject({ ok: false, code: 6310 })
    expect(validateServiceOutput(model, 'Reboot', { other: 1 })).toMatchObject({ ok: false, code: 6332 })
  })
})

describe('validatePropertySetReply', () => {
  it('requires empty data (6335)', () => {
    expect(validatePropertySetReply({})).toEqual({ ok: true })
    expect(validatePropertySetReply(undefined)).toEqual({ ok: true })
    expect(validatePropertySetReply({ PowerSwitch: 1 })).toMatchObject({ ok: false, code: 6335 })
  })
})

describe('validateValue', () => {
  it('checks a lone value', () => {
    const dt: DataType = { type: 'float', specs: { min: 0, max: 1 } }
    expect(validateValue(dt, 0.5, 'ratio')).toEqual({ ok: true })
    expect(validateValue(dt, 3.5e38, 'ratio')).toMatchObject({ ok: false, code: 6307 })
    expect(validateValue({ type: 'float', specs: { min: -4e38, max: 4e38 } }, 3.5e38, 'big')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/32-bit float/),
    })
  })
})

describe('numericValue', () => {
  it.each<[DataType, unknown, number | null]>([
    [{ type: 'int', specs: { min: 0, max: 9 } }, 7, 7],
    [{ type: 'double', specs: { min: 0, max: 9 } }, 2.25, 2.25],
    [{ type: 'enum', specs: { '1': 'a' } }, 1, 1],
    [{ type: 'bool', specs: { '0': 'off', '1': 'on' } }, 1, 1],
    [{ type: 'bool', specs: { '0': 'off', '1': 'on' } }, true, null],
    [{ type: 'date' }, '1700000000000', 1700000000000],
    [{ type: 'date' }, 'soon', null],
    [{ type: 'text', specs: { length: 9 } }, '12', null],
    [{ type: 'int', specs: { min: 0, max: 9 } }, '7', null],
  ])('%j of %j → %j', (dataType, value, expected) => {
    expect(numericValue(dataType, value)).toBe(expected)
  })
})
