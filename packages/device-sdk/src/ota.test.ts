import { createHash, createSign, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { crc16ibm, decodeBlock, OtaError, parseUpgrade, verifyFile } from './ota'

const bytes = Buffer.from('firmware bytes')
const md5 = createHash('md5').update(bytes).digest('hex')
const sha = createHash('sha256').update(bytes).digest('hex')

describe('device OTA', () => {
  it('reads single-file, MQTT and multi-file notices', () => {
    expect(
      parseUpgrade({
        version: '2',
        url: 'https://h/ota/files/x/fw%201.bin?Expires=1',
        size: 14,
        sign: md5,
        md5,
        signMethod: 'MD5',
      }),
    ).toMatchObject({ version: '2', module: 'default', isDiff: false, files: [{ name: 'fw 1.bin', size: 14, md5 }] })
    expect(
      parseUpgrade({
        version: '3',
        dProtocol: 'mqtt',
        streamId: 9,
        streamFileId: 1,
        size: 5,
        module: 'MCU',
        isDiff: 1,
      }),
    ).toMatchObject({ module: 'MCU', isDiff: true, dProtocol: 'mqtt', streamId: 9, streamFileId: 1 })
    const multi = parseUpgrade({
      version: '4',
      signMethod: 'SHA256',
      files: [{ fileName: 'a.bin', fileSize: 1, fileUrl: 'https://h/a', fileMd5: 'm', fileSign: 's' }],
      extData: { k: 'v' },
    })
    expect(multi).toMatchObject({
      signMethod: 'SHA256',
      files: [{ name: 'a.bin', url: 'https://h/a' }],
      extData: { k: 'v' },
    })
    expect(parseUpgrade({})).toBeNull()
  })

  it('verifies size, md5/sha256 and the secure-upgrade signature, failing with step -3', () => {
    const u = parseUpgrade({ version: '2', url: 'https://h/fw.bin', size: 14, sign: sha, signMethod: 'SHA256' })!
    expect(() => verifyFile(u, u.files[0]!, bytes)).not.toThrow()
    const bad = () => verifyFile(u, u.files[0]!, Buffer.from('firmware bytez'))
    expect(bad).toThrow(OtaError)
    expect(bad).toThrow(/sha256 sign mismatch/)
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const digestsign = createSign('sha256').update(bytes).sign(privateKey, 'base64')
    const secure = parseUpgrade({ version: '2', url: 'https://h/fw.bin', size: 14, sign: md5, md5, digestsign })!
    expect(() => verifyFile(secure, secure.files[0]!, bytes, publicKey)).not.toThrow()
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    expect(() => verifyFile(secure, secure.files[0]!, bytes, other)).toThrow(/digestsign does not verify/)
    expect(() => verifyFile(secure, secure.files[0]!, bytes)).toThrow(/needs the product public key/)
  })

  it('decodes MQTT download blocks and rejects a bad CRC', () => {
    const header = Buffer.from(JSON.stringify({ id: '1', code: 200, data: { bOffset: 0, bSize: 3 } }))
    const data = Buffer.from([7, 8, 9])
    const crc = Buffer.alloc(2)
    crc.writeUInt16BE(crc16ibm(data))
    const len = Buffer.alloc(2)
    len.writeUInt16BE(header.length)
    expect([...decodeBlock(Buffer.concat([len, header, data, crc])).bytes]).toEqual([7, 8, 9])
    crc[0]! ^= 1
    expect(() => decodeBlock(Buffer.concat([len, header, data, crc]))).toThrow(/CRC/)
  })
})
