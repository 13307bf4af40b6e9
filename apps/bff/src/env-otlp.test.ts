import { describe, expect, it } from 'vitest'
import { loadConfig } from './env'

// The OTLP export's environment, validated once at start-up with a message naming the variable.
describe('OTLP_LOGS_URL / OTLP_HEADERS', () => {
  it('is off by default and parses headers as OTEL_EXPORTER_OTLP_HEADERS writes them', () => {
    expect(loadConfig({}).OTLP_LOGS_URL).toBeUndefined()
    const c = loadConfig({
      OTLP_LOGS_URL: 'http://collector:4318/v1/logs',
      OTLP_HEADERS: 'authorization=Bearer%20abc,x-scope=iot',
    })
    expect(c.OTLP_LOGS_URL).toBe('http://collector:4318/v1/logs')
    expect(c.OTLP_HEADERS).toEqual({ authorization: 'Bearer abc', 'x-scope': 'iot' })
  })
  it('refuses a URL that is not http(s) and headers that are not key=value', () => {
    expect(() => loadConfig({ OTLP_LOGS_URL: 'collector:4318' })).toThrow(/OTLP_LOGS_URL must be/)
    expect(() => loadConfig({ OTLP_LOGS_URL: 'grpc://collector:4317' })).toThrow(/http:\/\/ or https:\/\//)
    expect(() => loadConfig({ OTLP_HEADERS: 'token' })).toThrow(/OTLP_HEADERS: "token" is not key=value/)
  })
})
