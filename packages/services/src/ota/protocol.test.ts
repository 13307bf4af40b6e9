import { describe, expect, it } from 'vitest'
import { crc16ibm, decodeDownloadReply, encodeDownloadReply, upgradeData } from './protocol'

const fw = (over: Record<string, unknown> = {}) =>
  ({
    firmware: { destVersion: '2.0.0', type: 'FULL', signMethod: 'MD5', udi: null, ...over },
    files: [
      {
        id: 'f1',
        name: 'a.bin',
        size: 432945,
        sign: 'aa',
        md5: 'aa',
        digestSign: null,
        url: 'https://x/a',
        streamId: 7,
      },
    ],
  }) as unknown as Parameters<typeof upgradeData>[1]

describe('OTA device messages', () => {
  it('computes CRC-16/IBM (ARC) with the standard check value', () => {
    expect(crc16ibm(Buffer.from('123456789'))).toBe(0xbb3d)
  })

  it('frames a file-download reply: 2-byte header length, JSON header, bytes, CRC-16', () => {
    const bytes = Buffer.from([1, 2, 3, 4, 5])
    const header = { id: '9', code: 200, data: { fileToken: 't', fileLength: 100, bSize: 5, bOffset: 10 } }
    const buf = encodeDownloadReply(header, bytes)
    const h = JSON.stringify(header)
    expect(buf.readUInt16BE(0)).toBe(Buffer.byteLength(h))
    expect(buf.length).toBe(2 + Buffer.byteLength(h) + 5 + 2)
    const d = decodeDownloadReply(buf)!
    expect(d.header).toEqual(header)
    expect([...d.bytes]).toEqual([1, 2, 3, 4, 5])
    expect(d.crcOk).toBe(true)
    buf[buf.length - 3] ^= 0xff
    expect(decodeDownloadReply(buf)!.crcOk).toBe(false)
  })

  it('builds the documented HTTPS notice: md5 for MD5 packages, no module for default, tags and udi in extData', () => {
    const d = upgradeData(
      { module: 'default', downloadProtocol: 'HTTPS', tags: [{ key: 'k', value: 'v' }] },
      fw({ udi: '{"ota_notice":"x"}' }),
    )
    expect(d).toEqual({
      version: '2.0.0',
      signMethod: 'MD5',
      size: 432945,
      sign: 'aa',
      md5: 'aa',
      url: 'https://x/a',
      extData: { k: 'v', _package_udi: '{"ota_notice":"x"}' },
    })
  })

  it('builds MQTT and differential notices with their fields, and files[] for multi-file packages', () => {
    const m = upgradeData(
      { module: 'MCU', downloadProtocol: 'MQTT', tags: [] },
      fw({ type: 'DIFF', signMethod: 'SHA256' }),
    )
    expect(m).toEqual({
      version: '2.0.0',
      isDiff: 1,
      signMethod: 'SHA256',
      size: 432945,
      sign: 'aa',
      dProtocol: 'mqtt',
      streamId: 7,
      streamFileId: 1,
      module: 'MCU',
    })
    const p = fw()
    p.files.push({ ...p.files[0]!, name: 'b.bin', url: 'https://x/b' })
    const multi = upgradeData({ module: 'default', downloadProtocol: 'HTTPS', tags: [] }, p)
    expect(multi).toMatchObject({ version: '2.0.0', signMethod: 'MD5' })
    expect((multi as { files: unknown[] }).files).toEqual([
      { fileSize: 432945, fileName: 'a.bin', fileUrl: 'https://x/a', fileMd5: 'aa', fileSign: 'aa' },
      { fileSize: 432945, fileName: 'b.bin', fileUrl: 'https://x/b', fileMd5: 'aa', fileSign: 'aa' },
    ])
  })
})
