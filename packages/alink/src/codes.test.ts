import { describe, expect, it } from 'vitest'
import { CODE_CATALOGUE, Codes, codeMessage, describeCode, getCodeEntry, isKnownCode, LOCALES } from './codes'

/** Every code of the reference §7.1 tables, table by table. */
const REFERENCE_TABLES: Record<string, number[]> = {
  device: [200, 1910, 1911, 1913, 401, 427, 520, 521, 522, 6100, 6204, 6287, 6288, 6296, 6401, 6402, 6619, 2043],
  message: [
    1004, 1901, 1902, 1903, 1904, 1905, 1941, 1942, 1950, 1951, 6733, 6736, 6831, 9200, 9201, 9236, 9307, 9320, 9321,
    9324, 9325, 9331, 9332, 9333, 9362, 9389, 9399, 9600, 9601, 9602, 9650, 9651, 9652,
  ],
  thingModel: [
    100000, 9201, 9200, 9237, 9389, 6208, 6300, 6206, 6200, 6201, 6207, 6330, 6335, 5490, 5092, 5094, 5096, 5159, 5160,
    5161, 6661, 6205, 26015, 6106, 6320, 6450, 6452, 6760, 460, 500, 400, 429,
  ],
  tsl: [
    6321, 6317, 6332, 6302, 6306, 6307, 6322, 6308, 6309, 6310, 6311, 6312, 6304, 6324, 6328, 6325, 6318, 6329, 6323,
    6316, 6314, 6301,
  ],
  script: [26010, 26001, 26002, 26003, 26006, 26007],
  subscribe: [9200, 500, 403],
  topo: [5005],
  remoteConfig: [6710, 6713],
  job: [71035, 71019],
  tunnel: [78114, 78115, 78116],
  fileUpload: [78123, 78129],
}

describe('code catalogue', () => {
  it.each(Object.entries(REFERENCE_TABLES))('has every code of the %s table, tagged with it', (category, codes) => {
    for (const code of codes) {
      const entry = getCodeEntry(code)
      expect(entry, `code ${code}`).toBeDefined()
      expect(entry?.categories, `code ${code}`).toContain(category)
      expect(entry?.source).toBe('reference')
    }
  })

  it('keys each code once and merges the tables it appears in', () => {
    const codes = CODE_CATALOGUE.map((e) => e.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect(getCodeEntry(9200)?.categories).toEqual(['message', 'thingModel', 'subscribe'])
    expect(getCodeEntry(500)?.categories).toEqual(['thingModel', 'subscribe'])
    expect(getCodeEntry(9200)?.category).toBe('message')
  })

  it('has meaning, cause and fix in every locale, translated', () => {
    for (const entry of CODE_CATALOGUE) {
      for (const field of ['meaning', 'cause', 'fix'] as const) {
        for (const locale of LOCALES)
          expect(entry[field][locale].trim(), `${entry.code} ${field} ${locale}`).not.toBe('')
        expect(entry[field]['zh-CN'], `${entry.code} ${field}`).toMatch(/[\u4e00-\u9fff]/)
        expect(entry[field]['ja-JP'], `${entry.code} ${field}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/)
        expect(entry[field]['en-US'], `${entry.code} ${field}`).toMatch(/^[\x20-\x7e°·…—–’]+$/)
      }
    }
  })

  it('catalogues every named constant', () => {
    for (const [name, code] of Object.entries(Codes)) expect(isKnownCode(code), name).toBe(true)
    expect(Codes.TOPIC_AUTH_FAILED).toBe(9236)
    expect(Codes.KEEPALIVE_TIMEOUT).toBe(1910)
    expect(Codes.TCP_RESET).toBe(1911)
    expect(Codes.KICKED).toBe(427)
    expect(Codes.GATEWAY_OFFLINE_SUB).toBe(1913)
    expect(Codes.SIGN_ERROR).toBe(6287)
    expect(Codes.DEVICE_NOT_EXIST).toBe(6100)
    expect(Codes.DEVICE_DISABLED).toBe(522)
  })

  it('marks IoT Ops extensions and keeps them off reference numbers', () => {
    const ours = CODE_CATALOGUE.filter((e) => e.source === 'iotops').map((e) => e.code)
    expect(ours).toEqual([40001, 40002, 40003, 40004])
    const reference = new Set(Object.values(REFERENCE_TABLES).flat())
    for (const code of ours) expect(reference.has(code)).toBe(false)
  })
})

describe('describeCode', () => {
  it('returns the entry in the requested locale', () => {
    expect(describeCode(9236, 'en-US')).toMatchObject({
      code: 9236,
      category: 'message',
      meaning: 'Topic authorization failed.',
    })
    expect(describeCode(9236, 'zh-CN')?.meaning).toBe('Topic 鉴权失败。')
    expect(describeCode(1910, 'ja-JP')?.meaning).toMatch(/キープアライブ/)
    expect(describeCode(6106)?.cause).toMatch(/200/)
  })
  it('returns undefined for an unknown code', () => {
    expect(describeCode(12345, 'en-US')).toBeUndefined()
  })
  it('codeMessage gives "success" for 200 and a fallback for unknown codes', () => {
    expect(codeMessage(200)).toBe('success')
    expect(codeMessage(6100, 'zh-CN')).toBe('设备不存在。')
    expect(codeMessage(12345)).toBe('error 12345')
  })
})
