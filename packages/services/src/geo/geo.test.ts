import { describe, expect, it } from 'vitest'
import { isNonPublicIp, regionOfIp } from './ip'
import { regionOfPoint } from './point'
import { normalizeProvince } from './regions'
import { pointOf } from './tracker'

describe('regionOfIp (offline IP database)', () => {
  it('gives the province and city of public Chinese addresses, with official names', () => {
    expect(regionOfIp('115.236.0.1')).toEqual({ province: '浙江省', city: '杭州市' })
    expect(regionOfIp('::ffff:218.76.0.1')).toEqual({ province: '湖南省', city: '长沙市' })
    // the database spells municipalities without 市: normalised
    expect(regionOfIp('202.96.209.5')).toEqual({ province: '上海市', city: '上海市' })
  })
  it('gives the country of foreign addresses, without a city', () => {
    expect(regionOfIp('8.8.8.8')).toEqual({ province: '美国', city: null })
  })
  it('knows nothing of private, loopback and malformed addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.9',
      '172.20.0.5',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'x',
      '',
      null,
    ])
      expect(regionOfIp(ip)).toBeNull()
    expect(isNonPublicIp('172.32.0.1')).toBe(false)
  })
})

describe('regionOfPoint (shipped region shapes)', () => {
  it('locates a coordinate in its province and city', () => {
    expect(regionOfPoint(120.1551, 30.2741)).toEqual({ province: '浙江省', city: '杭州市' }) // Hangzhou
    expect(regionOfPoint(116.4074, 39.9042)).toEqual({ province: '北京市', city: '北京市' }) // Beijing
    expect(regionOfPoint(104.0665, 30.5723)).toEqual({ province: '四川省', city: '成都市' }) // Chengdu
    expect(regionOfPoint(87.6168, 43.8256)).toEqual({ province: '新疆维吾尔自治区', city: '乌鲁木齐市' })
  })
  it('is null outside China and for nonsense', () => {
    expect(regionOfPoint(2.3522, 48.8566)).toBeNull() // Paris
    expect(regionOfPoint(Number.NaN, 30)).toBeNull()
  })
})

describe('helpers', () => {
  it('normalises province spellings', () => {
    expect(normalizeProvince('广西')).toBe('广西壮族自治区')
    expect(normalizeProvince('浙江省')).toBe('浙江省')
    expect(normalizeProvince('黑龙江')).toBe('黑龙江省')
    expect(normalizeProvince('美国')).toBe('美国')
  })
  it('reads the GeoLocation struct', () => {
    expect(pointOf({ Longitude: 120.1, Latitude: 30.2, CoordinateSystem: 1 })).toEqual({
      longitude: 120.1,
      latitude: 30.2,
    })
    expect(pointOf({ Longitude: 120.1 })).toBeNull()
    expect(pointOf('here')).toBeNull()
  })
})
