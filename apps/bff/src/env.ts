import path from 'node:path'
import { otlp, type remoteLogin } from '@iotops/services'
import { z } from 'zod'

// The one place that reads the environment; the rest of the server receives a typed Config.
const port = (name: string, dflt: number) =>
  z.coerce
    .number({ message: `${name} must be a TCP port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be 0–65535`)
    .max(65535, `${name} must be 0–65535`)
    .default(dflt)

/** an optional whole number of seconds ≥ 1 */
const seconds = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number of seconds` })
    .int(`${name} must be a whole number of seconds`)
    .min(1, `${name} must be at least 1 second`)
    .optional()
/** an optional count ≥ 1 */
const count = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(1000, `${name} must be at most 1000`)
    .optional()

const ZEnv = z.object({
  PORT: port('PORT', 3000),
  MQTT_PORT: port('MQTT_PORT', 1883),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL')
    .optional(),
  ADMIN_EMAIL: z.string().email('ADMIN_EMAIL must be an e-mail address').optional(),
  ADMIN_PASSWORD: z.string().min(10, 'ADMIN_PASSWORD needs at least 10 characters').optional(),
  PUBLIC_URL: z.string().url('PUBLIC_URL must be a URL such as https://iot.example.com').optional(),
  /** OTA package files in an S3-compatible bucket instead of DATA_DIR/ota: http(s)://KEY:SECRET@host:9000/bucket */
  OTA_S3_URL: z
    .string()
    .regex(
      /^https?:\/\/[^:@/\s]+:[^@/\s]+@[^/\s]+\/[^/?\s]+/,
      'OTA_S3_URL must look like http(s)://ACCESS_KEY:SECRET@host:9000/bucket (add ?region=… if needed)',
    )
    .optional(),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'NODE_ID: 1–32 letters, digits, _ or -')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** serve the console (Next.js); off for API-only nodes and integration tests */
  CONSOLE: z.enum(['on', 'off', 'dev']).default('on'),
  /** account-wide uplink limit (messages/s), raised for benchmarks */
  ACCOUNT_UPLINK_QPS: z.coerce.number().int().positive().optional(),
  DEVICE_UPLINK_QPS: z.coerce.number().int().positive().optional(),
  DEVICE_CONNECT_QPM: z.coerce.number().int().positive().optional(),
  /** outgoing mail for alarm notifications, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for TLS) */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s/]+/, 'SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:pass@host:587')
    .optional(),
  SMTP_FROM: z
    .string()
    .regex(/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/, 'SMTP_FROM must be an e-mail address, optionally as "Name <addr>"')
    .default('iotops@localhost'),
  /** how alarms name this installation: the instance id and region in resource ids and alarm texts */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'INSTANCE_ID: 1–64 letters, digits, _ or -')
    .default('iot-ops'),
  REGION_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'REGION_ID: 1–64 letters, digits, _ or -')
    .default('local'),
  /** optional: export cloud run logs to an OpenTelemetry collector, e.g. http://collector:4318/v1/logs */
  OTLP_LOGS_URL: z
    .string()
    .url('OTLP_LOGS_URL must be an http(s) URL such as http://collector:4318/v1/logs')
    .regex(/^https?:\/\//, 'OTLP_LOGS_URL must be an http:// or https:// URL')
    .optional(),
  /** headers sent with each export, as OTEL_EXPORTER_OTLP_HEADERS: key=value pairs, comma-separated, URL-encoded */
  OTLP_HEADERS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      try {
        return otlp.parseOtlpHeaders(s)
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `OTLP_HEADERS: ${(e as Error).message}` })
        return z.NEVER
      }
    }),
  /** remote login (browser SSH) limits; unset = the built-in defaults (remoteLogin.DEFAULT_REMOTE_LOGIN_LIMITS) */
  REMOTE_LOGIN_IDLE_TIMEOUT_S: seconds('REMOTE_LOGIN_IDLE_TIMEOUT_S'),
  REMOTE_LOGIN_MAX_SESSION_S: seconds('REMOTE_LOGIN_MAX_SESSION_S'),
  REMOTE_LOGIN_MAX_SESSIONS_PER_DEVICE: count('REMOTE_LOGIN_MAX_SESSIONS_PER_DEVICE'),
  REMOTE_LOGIN_MAX_SESSIONS_PER_USER: count('REMOTE_LOGIN_MAX_SESSIONS_PER_USER'),
  REMOTE_LOGIN_SHARE_MAX_FAILURES: count('REMOTE_LOGIN_SHARE_MAX_FAILURES'),
  REMOTE_LOGIN_SHARE_LOCK_S: seconds('REMOTE_LOGIN_SHARE_LOCK_S'),
})

export type Config = z.infer<typeof ZEnv> & { dataDir: string }

/** The remote-login limits the environment sets (only those given). */
export function remoteLoginLimitsOf(c: Config): Partial<remoteLogin.RemoteLoginLimits> {
  const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000)
  const p: Partial<remoteLogin.RemoteLoginLimits> = {
    idleTimeoutMs: ms(c.REMOTE_LOGIN_IDLE_TIMEOUT_S),
    maxSessionMs: ms(c.REMOTE_LOGIN_MAX_SESSION_S),
    maxSessionsPerDevice: c.REMOTE_LOGIN_MAX_SESSIONS_PER_DEVICE,
    maxSessionsPerUser: c.REMOTE_LOGIN_MAX_SESSIONS_PER_USER,
    shareMaxFailures: c.REMOTE_LOGIN_SHARE_MAX_FAILURES,
    shareLockMs: ms(c.REMOTE_LOGIN_SHARE_LOCK_S),
  }
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))
}

/** Validates the environment; on bad values prints every problem at once and exits. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = ZEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid environment:\n${lines.join('\n')}`)
  }
  return { ...r.data, dataDir: path.resolve(r.data.DATA_DIR) }
}
