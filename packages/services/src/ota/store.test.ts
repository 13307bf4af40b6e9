import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signV4 } from './store'

// AWS's published examples for Signature Version 4 on S3 ("Signature calculations for the Authorization header:
// transferring payload in a single chunk"): the same inputs must give the same signatures.
const KEYS = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  now: new Date(Date.UTC(2013, 4, 24)),
}
const EMPTY = createHash('sha256').update('').digest('hex')

describe('S3 SigV4 signing', () => {
  it('GET object with a Range (AWS example)', () => {
    const h = signV4({
      ...KEYS,
      method: 'GET',
      pathname: '/test.txt',
      headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9' },
      payloadHash: EMPTY,
    })
    expect(h.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    )
    expect(h['x-amz-date']).toBe('20130524T000000Z')
  })

  it('PUT object with a signed payload and extra headers (AWS example)', () => {
    const h = signV4({
      ...KEYS,
      method: 'PUT',
      pathname: '/test%24file.text',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      },
      payloadHash: createHash('sha256').update('Welcome to Amazon S3.').digest('hex'),
    })
    expect(h.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, ' +
        'Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    )
  })
})
