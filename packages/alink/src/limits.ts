/**
 * Documented limits of the device protocol and of the features built on it.
 *
 * Every value carries the place it comes from: "ref §x" is the reference platform's
 * "Monitoring & O&M" manual (../../shared/seeds/000_*.txt), "Link SDK" is the behaviour of the
 * reference device SDKs, and "IoT Ops" marks a limit we chose ourselves (with the reason).
 */

// ---------------------------------------------------------------------------------------------
// Alink messages
// ---------------------------------------------------------------------------------------------

/** ref §7.1, code 6106: one property post may carry at most 200 properties. */
export const MAX_PROPERTIES_PER_POST = 200

/** ref §8.3 (device-side OTA message formats): a message id is a decimal string in 0..4294967295, unique per device. */
export const MESSAGE_ID_MAX = 4_294_967_295

/**
 * IoT Ops: longest message id we accept from a device. Reference ids are decimal strings, but we do
 * not reject other non-empty strings (some firmwares send UUIDs); the bound keeps run-log rows small.
 */
export const MESSAGE_ID_MAX_LENGTH = 64

// ---------------------------------------------------------------------------------------------
// MQTT CONNECT (Link SDK conventions)
// ---------------------------------------------------------------------------------------------

/** Reference MQTT access docs: the `<id>` part of the clientId is at most 64 characters. */
export const CLIENT_ID_MAX_LENGTH = 64

/** Link SDK 4.x: the fixed timestamp the C SDK puts in its clientId and sign content (1 Jan 2050). */
export const LINK_SDK_FIXED_TIMESTAMP = '2524608000000'

/**
 * Device names: 4–32 characters of letters, digits and `-_@.:` (reference device registration rules).
 * Product keys: we only require topic-safe characters, since our own product keys are generated.
 */
export const DEVICE_NAME_PATTERN = /^[A-Za-z0-9_\-@.:]{4,32}$/
export const PRODUCT_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

// ---------------------------------------------------------------------------------------------
// Thing model (TSL)
// ---------------------------------------------------------------------------------------------

/** Identifiers of properties, events, services, parameters and struct fields: letters, digits, `_`. */
export const TSL_IDENTIFIER_PATTERN = /^[A-Za-z0-9_]+$/
/** Reference console: identifiers are at most 50 characters. */
export const TSL_IDENTIFIER_MAX_LENGTH = 50
/** Custom module (functionBlockId) identifiers: same characters, at most 30 (reference console). */
export const TSL_MODULE_ID_MAX_LENGTH = 30
/** Display names of functions, parameters and modules: 1–30 characters (reference console). */
export const TSL_NAME_MAX_LENGTH = 30
/** ref §7.1 code 6310 and the reference data types: text is at most 10240 bytes (UTF-8). */
export const TSL_TEXT_MAX_LENGTH = 10_240
/** Reference data types: an array holds at most 512 items. */
export const TSL_ARRAY_MAX_SIZE = 512
/** The int data type is a signed 32-bit integer. */
export const INT32_MIN = -2_147_483_648
export const INT32_MAX = 2_147_483_647
/** The float data type is IEEE-754 single precision. */
export const FLOAT32_MAX = 3.4028234663852886e38

// ---------------------------------------------------------------------------------------------
// OTA (ref §8)
// ---------------------------------------------------------------------------------------------

/** ref §8: a firmware download URL stays valid for 24 hours. */
export const OTA_URL_TTL_MS = 24 * 60 * 60 * 1000
/** ref §8: the progress description is at most 128 characters. */
export const OTA_PROGRESS_DESC_MAX_LENGTH = 128
/** ref §8: devices should report progress at most once every 3 seconds. */
export const OTA_PROGRESS_MIN_INTERVAL_MS = 3000
/** ref §8: after an upgrade, the version report must follow the (re)connect within 2 seconds. */
export const OTA_INFORM_AFTER_CONNECT_MS = 2000
/** ref §8: progress steps 1..100 are percentages; negative steps are failures. */
export const OTA_PROGRESS_STEPS = {
  UPGRADE_FAILED: -1,
  DOWNLOAD_FAILED: -2,
  VERIFY_FAILED: -3,
  FLASH_FAILED: -4,
} as const
/** ref §8: at most 5 upgrade jobs of different modules run on one device at the same time. */
export const OTA_MAX_CONCURRENT_MODULES = 5
/** ref §8: one firmware holds at most 20 files and 2000 MB in total. */
export const OTA_MAX_FILES = 20
export const OTA_MAX_TOTAL_BYTES = 2000 * 1024 * 1024
/** ref §8: firmware description ≤ 1024 characters; custom push info ≤ 4096 characters. */
export const OTA_DESCRIPTION_MAX_LENGTH = 1024
export const OTA_CUSTOM_INFO_MAX_LENGTH = 4096
/** ref §8: per-device upgrade timeout is 1..1440 minutes. */
export const OTA_TIMEOUT_MINUTES = { min: 1, max: 1440 } as const
/** ref §8: push rate is at most 10,000 devices per minute. */
export const OTA_MAX_PUSH_PER_MINUTE = 10_000

// ---------------------------------------------------------------------------------------------
// Remote configuration, scripts, tunnels, file upload
// ---------------------------------------------------------------------------------------------

/** ref §9 (remote configuration): the configuration file is JSON and smaller than 64 KB. */
export const REMOTE_CONFIG_MAX_BYTES = 64 * 1024
/** ref §9: the configuration download link handed to devices stays valid for 30 minutes. */
export const REMOTE_CONFIG_URL_TTL_MS = 30 * 60 * 1000
/** ref §9: a product's batch update may run at most once per hour (counted from the last push). */
export const REMOTE_CONFIG_PUSH_INTERVAL_MS = 60 * 60 * 1000
/** ref §9: the console keeps the last 5 saved configurations (per product, and per group / query target). */
export const REMOTE_CONFIG_VERSIONS_KEPT = 5
/** IoT Ops: group / device-query targets per product (each keeps its own versions). */
export const REMOTE_CONFIG_MAX_TARGETS = 50
/** IoT Ops: a device query (`deviceName=sensor-*&tag.floor=3`) is at most 256 characters. */
export const REMOTE_CONFIG_QUERY_MAX_LENGTH = 256
/** ref §7.1 code 26003: a data-parsing script may run for at most 3 seconds. */
export const SCRIPT_TIMEOUT_MS = 3000
/** ref §11.1 (secure tunnel limits). */
export const TUNNEL_MAX_PER_DEVICE = 10
export const TUNNEL_MAX_SESSIONS = 10
export const TUNNEL_MAX_OPEN_MS = 24 * 60 * 60 * 1000
export const TUNNEL_RETENTION_MS = 30 * 24 * 60 * 60 * 1000
export const TUNNEL_MAX_RATE_KBPS = 100
/** ref §11.1 (tunnel frame format): the frame header is at most 2048 bytes, length prefix 2 bytes big-endian. */
export const TUNNEL_HEADER_MAX_BYTES = 2048
/** ref §7.1 code 78129: at most 1000 uploaded files are kept per device. */
export const FILE_UPLOAD_MAX_FILES_PER_DEVICE = 1000

// ---------------------------------------------------------------------------------------------
// Device simulator (ref §6)
// ---------------------------------------------------------------------------------------------

/** ref §6: continuous push interval ≥ 1 s, for at most 3 hours. */
export const SIMULATOR_MIN_INTERVAL_MS = 1000
export const SIMULATOR_MAX_DURATION_MS = 3 * 60 * 60 * 1000

// ---------------------------------------------------------------------------------------------
// Rate-limit events (ref §3.4.2, "event category" table)
// ---------------------------------------------------------------------------------------------

/** Names of the rate-limit events raised when a connection or message quota is exceeded (ref §3.4.2). */
export const RATE_LIMIT_EVENTS = [
  'Device_Connect_QPM_Limit',
  'Device_Uplink_QPS_Limit',
  'Device_Downlink_QPS_Limit',
  'Account_Connect_QPS_Limit',
  'Account_Uplink_QPS_Limit',
  'Account_Downlink_QPS_Limit',
  'Account_RuleEngine_DataForward_QPS_Limit',
] as const

export type RateLimitEvent = (typeof RATE_LIMIT_EVENTS)[number]

/** What each rate-limit event means, and whether it is raised per device or per account. */
export const RATE_LIMIT_EVENT_INFO: Readonly<
  Record<RateLimitEvent, { scope: 'device' | 'account'; window: 'second' | 'minute'; en: string }>
> = {
  Device_Connect_QPM_Limit: {
    scope: 'device',
    window: 'minute',
    en: 'A device exceeded its connect requests per minute.',
  },
  Device_Uplink_QPS_Limit: {
    scope: 'device',
    window: 'second',
    en: 'A device exceeded its uplink messages per second.',
  },
  Device_Downlink_QPS_Limit: {
    scope: 'device',
    window: 'second',
    en: 'A device exceeded its downlink messages per second.',
  },
  Account_Connect_QPS_Limit: {
    scope: 'account',
    window: 'second',
    en: 'The account exceeded its connect requests per second.',
  },
  Account_Uplink_QPS_Limit: {
    scope: 'account',
    window: 'second',
    en: 'The account exceeded its uplink messages per second.',
  },
  Account_Downlink_QPS_Limit: {
    scope: 'account',
    window: 'second',
    en: 'The account exceeded its downlink messages per second.',
  },
  Account_RuleEngine_DataForward_QPS_Limit: {
    scope: 'account',
    window: 'second',
    en: 'The account exceeded its rule-engine forwarding messages per second.',
  },
}

export function isRateLimitEvent(name: string): name is RateLimitEvent {
  return (RATE_LIMIT_EVENTS as readonly string[]).includes(name)
}
