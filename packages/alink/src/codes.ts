/**
 * Error-code catalogue of the cloud run log.
 *
 * Facts (code numbers, what triggers them, how to fix them) come from the reference manual,
 * section 7.1 "cloud run log" (../../shared/seeds/000_*.txt, the error-code tables). The texts are
 * written for IoT Ops in three locales. A few codes appear in more than one table of §7.1
 * (9200, 9201, 9389, 500, 6207, 6300, 6452): each code has one entry whose `categories` lists every
 * table it belongs to, and whose text covers the union of the contexts.
 *
 * Codes 40001–40004 are IoT Ops extensions for CONNECT-time failures that the reference reports
 * without a dedicated run-log code; they never collide with §7.1 codes.
 */

export const LOCALES = ['en-US', 'zh-CN', 'ja-JP'] as const
export type Locale = (typeof LOCALES)[number]

/** The §7.1 table a code belongs to (plus `auth` for IoT Ops CONNECT codes). */
export type CodeCategory =
  | 'device'
  | 'message'
  | 'thingModel'
  | 'tsl'
  | 'script'
  | 'subscribe'
  | 'topo'
  | 'remoteConfig'
  | 'job'
  | 'tunnel'
  | 'fileUpload'
  | 'auth'

export type LocalizedText = Readonly<Record<Locale, string>>

export interface CodeEntry {
  readonly code: number
  /** The first (main) table the code appears in. */
  readonly category: CodeCategory
  /** Every table the code appears in. */
  readonly categories: readonly CodeCategory[]
  /** `reference`: documented in §7.1; `iotops`: our extension. */
  readonly source: 'reference' | 'iotops'
  readonly meaning: LocalizedText
  readonly cause: LocalizedText
  readonly fix: LocalizedText
}

export interface CodeDescription {
  readonly code: number
  readonly category: CodeCategory
  readonly categories: readonly CodeCategory[]
  readonly source: 'reference' | 'iotops'
  readonly meaning: string
  readonly cause: string
  readonly fix: string
}

/** Named constants for the codes the pipeline, API and console use. */
export const Codes = {
  SUCCESS: 200,

  // §7.1 device behaviour
  KEEPALIVE_TIMEOUT: 1910,
  TCP_RESET: 1911,
  GATEWAY_OFFLINE_SUB: 1913,
  SUB_DEVICE_UNAUTHORIZED: 401,
  KICKED: 427,
  SUB_SESSION_ERROR: 520,
  DEVICE_DELETED: 521,
  DEVICE_DISABLED: 522,
  DEVICE_NOT_EXIST: 6100,
  DEVICE_DISABLED_OPERATION: 6204,
  SIGN_ERROR: 6287,
  DYNAMIC_REGISTER_DISABLED: 6288,
  ACCOUNT_INSTANCE_MISMATCH: 6296,
  TOPO_NOT_EXIST: 6401,
  TOPO_SELF_REFERENCE: 6402,
  SUB_DEVICE_BOUND_ELSEWHERE: 6619,
  TOKEN_INVALID: 2043,

  // §7.1 messages
  OTA_FORMAT_ERROR: 1004,
  SEND_CONGESTED: 1901,
  SEND_NETWORK_ERROR: 1902,
  TOPIC_FORMAT_ERROR: 1903,
  RRPC_UNEXPECTED_RESPONSE: 1904,
  RRPC_TIMEOUT: 1905,
  REQUEST_AUTH_FAILED: 1941,
  TOPIC_RATE_LIMITED: 1942,
  WRITE_NETWORK_ERROR: 1950,
  UNKNOWN_RESPONSE_TYPE: 1951,
  NETWORK_LOCATION_FAILED: 6733,
  IP_LOCATION_FAILED: 6736,
  NOT_ALINK_TOPIC_OR_METHOD: 6831,
  DEVICE_NOT_ACTIVATED: 9200,
  DEVICE_OFFLINE: 9201,
  TOPIC_AUTH_FAILED: 9236,
  SQL_PARSE_FAILED: 9307,
  PAYLOAD_INVALID: 9320,
  PARAMETER_INVALID: 9321,
  FORWARD_RATE_LIMITED: 9324,
  FORWARD_TARGET_UNAVAILABLE: 9325,
  FORWARD_TARGET_ERROR: 9331,
  FORWARD_TARGET_MISCONFIGURED: 9332,
  FORWARD_TARGET_UNAUTHORIZED: 9333,
  RULE_SCRIPT_FAILED: 9362,
  GATEWAY_OFFLINE: 9389,
  INTERNAL_UNKNOWN: 9399,
  CONSUMER_GROUP_CONNECTION_LIMIT: 9600,
  HEARTBEAT_INVALID: 9601,
  SERVER_CLOSED_CONNECTION: 9602,
  ACK_TIMEOUT: 9650,
  ACK_RELEASED: 9651,
  NACK: 9652,

  // §7.1 thing model
  INSTANCE_NOT_RESOLVED: 100000,
  ACCOUNT_OVERDUE: 9237,
  DEVICE_DISABLED_CALL: 6208,
  TSL_METHOD_MISSING: 6300,
  SERVICE_LOOKUP_FAILED: 6206,
  SCRIPT_NOT_FOUND: 6200,
  SCRIPT_EMPTY_RESULT: 6201,
  DATA_FORMAT_ERROR: 6207,
  LONG_INVALID: 6330,
  PROPERTY_SET_REPLY_NOT_EMPTY: 6335,
  MODULE_NOT_EXIST: 5490,
  PROPERTY_NOT_EXIST: 5092,
  SERVICE_NOT_EXIST: 5094,
  EVENT_NOT_EXIST: 5096,
  TSL_PROPERTY_READ_ERROR: 5159,
  TSL_EVENT_READ_ERROR: 5160,
  TSL_SERVICE_READ_ERROR: 5161,
  TENANT_LOOKUP_ERROR: 6661,
  SERVICE_INVOKE_ERROR: 6205,
  SCRIPT_PROCESS_ERROR: 26015,
  TOO_MANY_PROPERTIES: 6106,
  TSL_PROPERTY_INFO_MISSING: 6320,
  ALINK_METHOD_MISSING: 6450,
  RATE_LIMITED: 6452,
  STORAGE_QUOTA_EXCEEDED: 6760,
  REPLY_PARAMETER_ERROR: 460,
  INTERNAL_ERROR: 500,
  SERVICE_REQUEST_ERROR: 400,
  TOO_MANY_REQUESTS: 429,

  // §7.1 TSL common
  TSL_IDENTIFIER_MISSING: 6321,
  TSL_MODEL_INVALID: 6317,
  TSL_PARAMS_INVALID: 6332,
  TSL_PARAM_MISSING: 6302,
  TSL_INT_INVALID: 6306,
  TSL_FLOAT_INVALID: 6307,
  TSL_DOUBLE_INVALID: 6322,
  TSL_BOOL_INVALID: 6308,
  TSL_ENUM_INVALID: 6309,
  TSL_TEXT_INVALID: 6310,
  TSL_DATE_INVALID: 6311,
  TSL_STRUCT_INVALID: 6312,
  TSL_STRUCT_FIELD_UNKNOWN: 6304,
  TSL_ARRAY_INVALID: 6324,
  TSL_NOT_ARRAY: 6328,
  TSL_ARRAY_ITEM_UNSUPPORTED: 6325,
  TSL_PARSE_ERROR: 6318,
  TSL_ARRAY_SPEC_ERROR: 6329,
  TSL_SPEC_FORMAT_ERROR: 6323,
  TSL_PARAM_PARSE_ERROR: 6316,
  TSL_TYPE_UNSUPPORTED: 6314,
  TSL_CHECK_ERROR: 6301,

  // §7.1 data-parsing scripts
  SCRIPT_RATE_LIMITED: 26010,
  SCRIPT_EMPTY: 26001,
  SCRIPT_RUNTIME_ERROR: 26002,
  SCRIPT_TIMEOUT: 26003,
  SCRIPT_FUNCTION_MISSING: 26006,
  SCRIPT_RESULT_INVALID: 26007,

  // §7.1 subscribe, topology, remote configuration, jobs, tunnel, file upload
  FORBIDDEN: 403,
  PRODUCT_NOT_EXIST: 5005,
  REMOTE_CONFIG_EMPTY: 6710,
  REMOTE_CONFIG_DISABLED: 6713,
  JOB_NOT_CUSTOM_OR_FINAL: 71035,
  JOB_NOT_EXIST: 71019,
  TUNNEL_AUTH_FAILED: 78114,
  TUNNEL_SESSION_FAILED: 78115,
  REMOTE_LOGIN_FAILED: 78116,
  FILE_ALREADY_EXISTS: 78123,
  FILE_LIMIT_EXCEEDED: 78129,

  // IoT Ops CONNECT-time extensions
  CLIENT_ID_INVALID: 40001,
  USERNAME_INVALID: 40002,
  SIGN_METHOD_UNSUPPORTED: 40003,
  SECURE_MODE_UNSUPPORTED: 40004,
} as const

export type CodeName = keyof typeof Codes
export type KnownCode = (typeof Codes)[CodeName]

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

/** [meaning, cause, fix] in one locale. */
type Triple = readonly [meaning: string, cause: string, fix: string]

function def(
  code: number,
  categories: readonly [CodeCategory, ...CodeCategory[]],
  en: Triple,
  zh: Triple,
  ja: Triple,
  source: 'reference' | 'iotops' = 'reference',
): CodeEntry {
  return {
    code,
    category: categories[0],
    categories,
    source,
    meaning: { 'en-US': en[0], 'zh-CN': zh[0], 'ja-JP': ja[0] },
    cause: { 'en-US': en[1], 'zh-CN': zh[1], 'ja-JP': ja[1] },
    fix: { 'en-US': en[2], 'zh-CN': zh[2], 'ja-JP': ja[2] },
  }
}

/** Codes the reference documents only as "system error": same cause and fix, different meaning. */
function internal(
  code: number,
  categories: readonly [CodeCategory, ...CodeCategory[]],
  meaning: readonly [en: string, zh: string, ja: string],
): CodeEntry {
  return def(
    code,
    categories,
    [meaning[0], 'Internal platform error.', 'Retry; if it keeps happening, report it with the trace id from the log.'],
    [meaning[1], '平台内部异常。', '请重试；若持续出现，请携带日志中的 TraceId 反馈。'],
    [
      meaning[2],
      'プラットフォーム内部のエラーです。',
      '再試行してください。続く場合はログの TraceId を添えて報告してください。',
    ],
  )
}

const ENTRIES: readonly CodeEntry[] = [
  // ---------------------------------------------------------------- device behaviour (§7.1)
  def(
    200,
    ['device'],
    [
      'Success.',
      'The operation completed normally: the device connected, disconnected on its own, or the request succeeded.',
      'Nothing to do; the device detail page shows the last online time and the current state.',
    ],
    [
      '成功。',
      '操作正常完成：设备正常上线、主动断开，或请求处理成功。',
      '无需处理；可在设备详情查看最近上线时间与当前状态。',
    ],
    [
      '成功。',
      '操作は正常に完了しました（デバイスの接続・自発的な切断、またはリクエストの成功）。',
      '対応は不要です。デバイス詳細で最終オンライン時刻と現在の状態を確認できます。',
    ],
  ),
  def(
    1910,
    ['device'],
    [
      'MQTT keep-alive timed out; the device was taken offline.',
      'No packet from the device arrived within the keep-alive window, so the broker closed the connection.',
      'Check the keep-alive interval configured on the device and that it sends PINGREQ in time; the device has to reconnect.',
    ],
    [
      'MQTT 心跳超时，设备被判定离线。',
      '在保活时间内服务端没有收到设备的任何报文，因此关闭了连接。',
      '检查设备端配置的保活时长以及是否按时发送 PINGREQ；设备需要重新连接。',
    ],
    [
      'MQTT キープアライブがタイムアウトし、デバイスはオフラインになりました。',
      'キープアライブ期間内にデバイスからパケットが届かなかったため、ブローカーが接続を閉じました。',
      'デバイスのキープアライブ設定と PINGREQ の送信タイミングを確認してください。デバイスは再接続が必要です。',
    ],
  ),
  def(
    1911,
    ['device'],
    [
      'The TCP connection between the device and the platform was closed.',
      'A firewall or NAT gateway dropped the idle connection, or the public network broke the link for a moment.',
      'Occasional occurrences are harmless when the device reconnects; if they are frequent, review firewall/NAT idle timeouts or capture the traffic (tcpdump) to investigate.',
    ],
    [
      '设备与平台之间的 TCP 连接断开。',
      '防火墙或 NAT 网关回收了空闲连接，或公网链路出现短暂中断。',
      '偶发且设备能自动重连时可忽略；频繁出现时检查防火墙/NAT 的空闲超时设置，或抓包（tcpdump）分析。',
    ],
    [
      'デバイスとプラットフォーム間の TCP 接続が切断されました。',
      'ファイアウォールや NAT ゲートウェイがアイドル接続を切断したか、公衆網で一時的な断が起きました。',
      'まれで自動再接続できるなら無視して構いません。頻発する場合はファイアウォール/NAT のアイドルタイムアウトを見直すか、tcpdump で通信を取得して調査してください。',
    ],
  ),
  def(
    1913,
    ['device'],
    [
      'Sub-device went offline because its gateway went offline.',
      'A sub-device is online only through its gateway connection; when the gateway disconnects, its sub-devices follow.',
      "Look up the gateway's own offline record in the logs to find the root cause.",
    ],
    [
      '网关离线导致子设备下线。',
      '子设备依附网关的连接在线，网关断开后其子设备随之离线。',
      '在日志中查询该网关的下线记录，定位根本原因。',
    ],
    [
      'ゲートウェイのオフラインに伴いサブデバイスがオフラインになりました。',
      'サブデバイスはゲートウェイの接続を通じてのみオンラインのため、ゲートウェイの切断に連動します。',
      'ログでゲートウェイ自身のオフライン記録を検索し、根本原因を確認してください。',
    ],
  ),
  def(
    401,
    ['device'],
    [
      'Device not authorized.',
      'While adding a topology relation, the signature supplied for the sub-device did not verify.',
      'Recompute the sub-device signature with the Alink signing rules (clientId, deviceName, productKey, timestamp sorted by name) and compare it with what the gateway sent.',
    ],
    [
      '设备无权限。',
      '添加拓扑关系时，子设备身份信息中的签名校验未通过。',
      '按 Alink 签名规则（按参数名排序拼接 clientId、deviceName、productKey、timestamp）重新计算子设备签名，并与网关上报的签名比对。',
    ],
    [
      'デバイスに権限がありません。',
      'トポロジ関係の追加時に、サブデバイスの署名検証に失敗しました。',
      'Alink の署名規則（clientId・deviceName・productKey・timestamp を名前順に連結）でサブデバイスの署名を再計算し、ゲートウェイが送った値と比較してください。',
    ],
  ),
  def(
    427,
    ['device'],
    [
      'Device was forced offline by another connection.',
      'Another client connected with the same device credentials (productKey, deviceName, deviceSecret) and replaced this session; a device reconnecting after a short network or power loss causes the same record.',
      'Make sure every physical device has its own credentials (look for duplicates on the device pages). A single occurrence after a reconnect is harmless.',
    ],
    [
      '设备被挤下线。',
      '另一个客户端使用相同的设备证书（productKey、deviceName、deviceSecret）建立连接并替换了原会话；设备短暂断网或断电后重连也会留下同样记录。',
      '确认每台设备烧录的证书唯一（在设备详情中排查重复使用）；重连导致的单次记录可忽略。',
    ],
    [
      '別の接続によりデバイスが強制的にオフラインになりました。',
      '同じデバイス証明書（productKey・deviceName・deviceSecret）で別のクライアントが接続し、既存のセッションを置き換えました。瞬断や電源断からの再接続でも同じ記録が残ります。',
      '物理デバイスごとに固有の証明書を使っているか確認してください（デバイス詳細で重複を確認）。再接続による単発の記録は問題ありません。',
    ],
  ),
  def(
    520,
    ['device'],
    [
      'Sub-device session error.',
      'The sub-device has no session (it never logged in or was logged out), or it is online through a different gateway session.',
      'Check the sub-device state in the device list and log it in through this gateway first.',
    ],
    [
      '子设备会话错误。',
      '子设备没有会话（未上线或已下线），或者它是通过其他网关会话上线的。',
      '在设备列表中查看子设备状态，并先通过当前网关让子设备上线。',
    ],
    [
      'サブデバイスのセッションエラーです。',
      'サブデバイスのセッションが存在しない（未ログインまたはログアウト済み）か、別のゲートウェイのセッションでオンラインになっています。',
      'デバイス一覧でサブデバイスの状態を確認し、まずこのゲートウェイ経由でログインさせてください。',
    ],
  ),
  def(
    521,
    ['device'],
    [
      'Device has been deleted.',
      'The device was deleted on the platform.',
      'Check the device list; register the device again if it is still needed.',
    ],
    ['设备已被删除。', '该设备已在平台上删除。', '在设备列表中确认；如仍需使用，请重新注册设备。'],
    [
      'デバイスは削除されています。',
      'このデバイスはプラットフォーム上で削除されました。',
      'デバイス一覧で確認し、必要であればデバイスを再登録してください。',
    ],
  ),
  def(
    522,
    ['device'],
    [
      'Device is disabled.',
      'The device was disabled on the platform, so it may not connect.',
      'Check the device state in the console and enable it if appropriate.',
    ],
    ['设备已被禁用。', '设备在平台上处于禁用状态，因此不允许连接。', '在控制台查看设备状态，需要时启用该设备。'],
    [
      'デバイスは無効化されています。',
      'デバイスがプラットフォームで無効化されているため接続できません。',
      'コンソールでデバイスの状態を確認し、必要なら有効化してください。',
    ],
  ),
  def(
    6100,
    ['device'],
    [
      'Device does not exist.',
      'No device with this productKey and deviceName exists: it was never created or has been deleted.',
      'Search the device list; create the device, or fix the productKey/deviceName the device uses.',
    ],
    [
      '设备不存在。',
      '找不到该 productKey 与 deviceName 对应的设备：从未创建或已被删除。',
      '在设备列表中搜索；创建该设备，或修正设备端使用的 productKey/deviceName。',
    ],
    [
      'デバイスが存在しません。',
      'この productKey と deviceName のデバイスがありません（未作成または削除済み）。',
      'デバイス一覧で検索し、デバイスを作成するか、デバイス側の productKey/deviceName を修正してください。',
    ],
  ),
  def(
    6204,
    ['device'],
    [
      'Device is disabled; the operation is refused.',
      'Adding topology relations, setting properties, invoking services and similar operations are not allowed on a disabled device.',
      'Enable the device in the console, then retry.',
    ],
    [
      '设备已禁用，操作被拒绝。',
      '设备禁用期间，不允许对其添加拓扑、设置属性、调用服务等操作。',
      '在控制台启用设备后重试。',
    ],
    [
      'デバイスが無効のため操作は拒否されました。',
      '無効化されたデバイスには、トポロジ追加・プロパティ設定・サービス呼び出しなどを行えません。',
      'コンソールでデバイスを有効化してから再試行してください。',
    ],
  ),
  def(
    6287,
    ['device'],
    [
      'Signature mismatch.',
      'The signature presented by a directly connected device or by a sub-device differs from the one computed from its secret.',
      'Recompute the HMAC of the parameters sorted by name (clientId, deviceName, productKey, and timestamp if sent) with the device secret and the declared signmethod; check the secret stored on the device.',
    ],
    [
      '签名错误。',
      '直连设备或子设备提交的签名与使用其密钥计算出的结果不一致。',
      '使用设备密钥和声明的 signmethod，对按名称排序的参数（clientId、deviceName、productKey，以及携带时的 timestamp）重新计算 HMAC，并核对设备上保存的密钥。',
    ],
    [
      '署名が一致しません。',
      '直接接続デバイスまたはサブデバイスが提示した署名が、そのシークレットから計算した値と異なります。',
      'デバイスシークレットと宣言した signmethod で、名前順に並べたパラメータ（clientId・deviceName・productKey、送信した場合は timestamp）の HMAC を再計算し、デバイスに保存されたシークレットを確認してください。',
    ],
  ),
  def(
    6288,
    ['device'],
    [
      'Dynamic registration is switched off.',
      "The sub-device's product does not allow dynamic registration.",
      'Turn on dynamic registration on the product detail page, or register the sub-device in advance.',
    ],
    ['动态注册未开启。', '子设备所属产品没有开启动态注册。', '在产品详情页开启动态注册，或预先注册该子设备。'],
    [
      '動的登録がオフになっています。',
      'サブデバイスのプロダクトで動的登録が許可されていません。',
      'プロダクト詳細で動的登録を有効にするか、サブデバイスを事前に登録してください。',
    ],
  ),
  def(
    6296,
    ['device'],
    [
      'Account and instance do not match.',
      'The instance the request addresses does not belong to the current account.',
      'Check that the instance belongs to this account.',
    ],
    ['账号与实例不匹配。', '请求所指向的实例不属于当前账号。', '确认该实例归属于当前账号。'],
    [
      'アカウントとインスタンスが一致しません。',
      'リクエスト先のインスタンスが現在のアカウントに属していません。',
      'インスタンスがこのアカウントのものか確認してください。',
    ],
  ),
  def(
    6401,
    ['device'],
    [
      'Topology relation does not exist.',
      'The gateway and the sub-device are not linked.',
      'Check the sub-device on the device page and add the topology relation first.',
    ],
    ['拓扑关系不存在。', '网关与子设备之间没有建立拓扑关系。', '在设备页面查看子设备信息，先添加拓扑关系。'],
    [
      'トポロジ関係が存在しません。',
      'ゲートウェイとサブデバイスが関連付けられていません。',
      'デバイスページでサブデバイスを確認し、先にトポロジ関係を追加してください。',
    ],
  ),
  def(
    6402,
    ['device'],
    [
      'A gateway cannot be its own sub-device.',
      'The topology request lists the gateway itself as a sub-device.',
      "Remove the gateway's own productKey/deviceName from the sub-device list.",
    ],
    [
      '网关不能成为自己的子设备。',
      '添加拓扑的请求把网关自身列为了子设备。',
      '从子设备列表中去掉与网关相同的 productKey/deviceName。',
    ],
    [
      'ゲートウェイを自分自身のサブデバイスにはできません。',
      'トポロジ追加リクエストでゲートウェイ自身がサブデバイスとして指定されています。',
      'サブデバイス一覧からゲートウェイ自身の productKey/deviceName を除いてください。',
    ],
  ),
  def(
    6619,
    ['device'],
    [
      'Sub-device is bound to another gateway.',
      'A sub-device attached to one gateway cannot be added under another one.',
      'Check on the sub-device page which gateway it belongs to, and remove that relation first.',
    ],
    [
      '子设备已绑定其他网关。',
      '已挂在某个网关下的子设备不能再添加到另一个网关。',
      '在子设备详情页查看其所属网关，先解除原有拓扑关系。',
    ],
    [
      'サブデバイスは別のゲートウェイに紐付いています。',
      'あるゲートウェイに属するサブデバイスを別のゲートウェイに追加することはできません。',
      'サブデバイスの詳細で所属ゲートウェイを確認し、先にその関係を解除してください。',
    ],
  ),
  def(
    2043,
    ['device'],
    [
      'Device authentication failed: invalid token.',
      'The token the device presented did not verify (wrong or expired).',
      'Refresh or create a new token and connect again.',
    ],
    [
      '设备认证失败：Token 无效。',
      '设备提交的 Token 校验未通过（错误或已过期）。',
      '刷新或重新创建 Token 后再次连接。',
    ],
    [
      'デバイス認証に失敗しました（トークンが無効）。',
      'デバイスが提示したトークンを検証できませんでした（誤りまたは期限切れ）。',
      'トークンを更新または再作成してから再接続してください。',
    ],
  ),

  // ---------------------------------------------------------------- messages (§7.1)
  def(
    1004,
    ['message'],
    [
      'OTA message from the device has a wrong format.',
      'A version report, a firmware request or a progress report did not follow the OTA message format.',
      'Compare the payload with the OTA formats (id, params.version/module, params.step/desc) and fix the device code.',
    ],
    [
      '设备上报的 OTA 消息格式错误。',
      '版本上报、升级包请求或进度上报中的某一条没有遵循 OTA 消息格式。',
      '对照 OTA 消息格式（id、params.version/module、params.step/desc）检查报文并修正设备端代码。',
    ],
    [
      'デバイスから届いた OTA メッセージの形式が誤っています。',
      'バージョン報告・更新パッケージ要求・進捗報告のいずれかが OTA メッセージ形式に従っていません。',
      'OTA の形式（id、params.version/module、params.step/desc）と照らし合わせ、デバイス側を修正してください。',
    ],
  ),
  def(
    1901,
    ['message'],
    [
      'Sending to the device failed: the channel is congested.',
      'The device consumes messages too slowly or the network is slow (for example the TCP write buffer is full).',
      'Check the network and how fast the device processes incoming messages.',
    ],
    [
      '向设备发送失败：通道拥塞。',
      '设备处理消息过慢或网络较慢（例如 TCP 写缓冲区已满），导致发送失败。',
      '检查网络状况以及设备端的消息处理能力。',
    ],
    [
      'デバイスへの送信に失敗しました（チャネルが混雑）。',
      'デバイスのメッセージ処理が遅いかネットワークが遅く（TCP 書き込みバッファの滞留など）、送信できませんでした。',
      'ネットワーク状況とデバイスのメッセージ処理能力を確認してください。',
    ],
  ),
  def(
    1902,
    ['message'],
    [
      'Writing the message to the network failed.',
      'A network error interrupted the send.',
      'Check the network between the device and the platform.',
    ],
    ['消息写入网络失败。', '网络异常导致发送中断。', '检查设备与平台之间的网络。'],
    [
      'メッセージをネットワークに書き込めませんでした。',
      'ネットワークの異常で送信が中断しました。',
      'デバイスとプラットフォーム間のネットワークを確認してください。',
    ],
  ),
  def(
    1903,
    ['message'],
    [
      'Invalid topic format.',
      'The topic does not follow the topic grammar.',
      'Compare the topic with the documented topic formats.',
    ],
    ['Topic 格式错误。', '消息的 Topic 不符合 Topic 语法。', '对照文档中的 Topic 格式进行核对。'],
    [
      'トピックの形式が誤っています。',
      'トピックがトピック文法に従っていません。',
      'ドキュメントのトピック形式と照合してください。',
    ],
  ),
  def(
    1904,
    ['message'],
    [
      'Unexpected RRPC response.',
      'An RRPC response arrived for which no request is pending, usually because the request had already timed out.',
      'Check whether the device answered after the RRPC timeout.',
    ],
    [
      '收到无效的 RRPC 响应。',
      '收到的 RRPC 响应找不到对应的请求，通常是请求已经超时。',
      '检查设备是否在 RRPC 超时之后才回复。',
    ],
    [
      '想定外の RRPC 応答です。',
      '対応する保留中の要求がない RRPC 応答を受信しました。多くは要求がすでにタイムアウトしています。',
      'デバイスが RRPC のタイムアウト後に応答していないか確認してください。',
    ],
  ),
  def(
    1905,
    ['message'],
    [
      'RRPC request timed out.',
      'The device did not answer the RRPC request within the timeout.',
      'Make sure the device handles RRPC requests and replies promptly.',
    ],
    ['RRPC 请求超时。', '设备没有在超时时间内响应 RRPC 请求。', '确认设备能及时处理并响应 RRPC 请求。'],
    [
      'RRPC 要求がタイムアウトしました。',
      'デバイスがタイムアウト内に RRPC 要求に応答しませんでした。',
      'デバイスが RRPC 要求を処理し、速やかに応答しているか確認してください。',
    ],
  ),
  def(
    1941,
    ['message'],
    ['Request authorization failed.', 'Token authentication failed.', 'Obtain a new token and send the request again.'],
    ['请求授权失败。', 'Token 认证未通过。', '重新获取 Token 后再次发起请求。'],
    [
      'リクエストの認可に失敗しました。',
      'トークン認証に失敗しました。',
      '新しいトークンを取得してから再度リクエストしてください。',
    ],
  ),
  def(
    1942,
    ['message'],
    [
      'Message rate limited on the topic.',
      'Too many requests on a single topic.',
      'Lower the sending rate of the device.',
    ],
    ['消息通信被限流。', '单个 Topic 上的请求过多。', '降低设备的消息发送频率。'],
    [
      'トピック単位でメッセージが流量制限されました。',
      '1 つのトピックへのリクエストが多すぎます。',
      'デバイスの送信頻度を下げてください。',
    ],
  ),
  def(
    1950,
    ['message'],
    [
      'Network connection error while writing a message.',
      'A network failure prevented the message from being sent.',
      'Check the network.',
    ],
    ['写入消息时网络连接异常。', '网络故障导致消息无法发送。', '检查网络状况。'],
    [
      'メッセージ書き込み中にネットワーク接続エラーが発生しました。',
      'ネットワーク障害によりメッセージを送信できませんでした。',
      'ネットワークを確認してください。',
    ],
  ),
  def(
    1951,
    ['message'],
    [
      'Unknown response type.',
      'The device sent a message of a type the platform does not recognise.',
      'Check the message type the device sends; if it uses an official SDK, report the case.',
    ],
    [
      '未知的响应类型。',
      '设备发送了平台无法识别类型的消息。',
      '检查设备发送的消息类型；如使用官方 SDK，请反馈该问题。',
    ],
    [
      '不明な応答タイプです。',
      'デバイスがプラットフォームの認識できない種類のメッセージを送信しました。',
      'デバイスが送るメッセージの種類を確認してください。公式 SDK を使っている場合は報告してください。',
    ],
  ),
  def(
    6733,
    ['message'],
    [
      'Network-based location failed.',
      'No position could be derived from the supplied network information.',
      'Retry with other network information.',
    ],
    ['网络定位失败。', '无法根据提供的网络信息得到位置。', '换用其他网络信息重新定位。'],
    [
      'ネットワーク測位に失敗しました。',
      '指定されたネットワーク情報から位置を求められませんでした。',
      '別のネットワーク情報で再度測位してください。',
    ],
  ),
  def(
    6736,
    ['message'],
    [
      'IP-based location failed.',
      'No position could be derived from the supplied IP address.',
      'Retry with another IP address.',
    ],
    ['IP 定位失败。', '无法根据提供的 IP 得到位置。', '换用其他 IP 重新定位。'],
    ['IP 測位に失敗しました。', '指定された IP から位置を求められませんでした。', '別の IP で再度測位してください。'],
  ),
  def(
    6831,
    ['message'],
    [
      'Topic or method is not defined by Alink.',
      'The topic the device published to, or the method produced by the uplink script, is not part of the Alink protocol.',
      'Publish on an Alink system topic with its method, or use a custom /{productKey}/{deviceName}/user/... topic.',
    ],
    [
      'Topic 或 method 不符合 Alink 协议。',
      '设备发布消息所用的 Topic，或上行脚本解析出的 method，不在 Alink 协议定义之内。',
      '使用 Alink 系统 Topic 及对应 method，或使用自定义 Topic /{productKey}/{deviceName}/user/...。',
    ],
    [
      'トピックまたは method が Alink で定義されていません。',
      'デバイスが発行したトピック、またはアップリンクスクリプトが生成した method が Alink プロトコルにありません。',
      'Alink のシステムトピックと対応する method を使うか、カスタムトピック /{productKey}/{deviceName}/user/... を使ってください。',
    ],
  ),
  def(
    9200,
    ['message', 'thingModel', 'subscribe'],
    [
      'Device is not activated.',
      'A newly registered device becomes active only after it has connected and reported data once; until then messages, calls and subscriptions addressed to it fail.',
      'Connect the device and let it report data, then check its state in the console.',
    ],
    [
      '设备未激活。',
      '新注册的设备需要成功接入并上报过一次数据才会激活；在此之前，发往它的消息、调用和订阅都会失败。',
      '让设备接入并上报数据，然后在控制台查看设备状态。',
    ],
    [
      'デバイスがアクティブ化されていません。',
      '新規登録したデバイスは、一度接続してデータを報告するまでアクティブになりません。それまでは宛先メッセージ・呼び出し・購読が失敗します。',
      'デバイスを接続してデータを報告させ、コンソールで状態を確認してください。',
    ],
  ),
  def(
    9201,
    ['message', 'thingModel'],
    [
      'Device is offline.',
      'The target device has no live connection, so the message or call cannot be delivered.',
      'Check the device state and retry once it is online.',
    ],
    ['设备不在线。', '目标设备当前没有连接，消息或调用无法送达。', '查看设备状态，待其上线后重试。'],
    [
      'デバイスはオフラインです。',
      '対象デバイスに接続がないため、メッセージや呼び出しを届けられません。',
      'デバイスの状態を確認し、オンラインになってから再試行してください。',
    ],
  ),
  def(
    9236,
    ['message'],
    [
      'Topic authorization failed.',
      "The device published or subscribed to a topic it has no right to: another device's topic, a subscribe-only topic used for publishing, or the reverse.",
      "Check the product's topic list: publish only on topics with publish rights, subscribe only on topics with subscribe rights, and only within the device's own productKey/deviceName.",
    ],
    [
      'Topic 鉴权失败。',
      '设备发布或订阅了无权使用的 Topic：其他设备的 Topic、把仅订阅的 Topic 用于发布，或反之。',
      '检查产品的 Topic 列表：只在有发布权限的 Topic 上发布、只订阅有订阅权限的 Topic，且仅限设备自身的 productKey/deviceName。',
    ],
    [
      'トピックの認可に失敗しました。',
      'デバイスが権限のないトピックに発行または購読しました（他デバイスのトピック、購読専用トピックへの発行、またはその逆）。',
      'プロダクトのトピック一覧を確認し、発行権限のあるトピックにのみ発行し、購読権限のあるトピックのみ購読してください。対象は自分の productKey/deviceName に限られます。',
    ],
  ),
  def(
    9307,
    ['message'],
    [
      'SQL statement could not be parsed.',
      'The rule SQL has a syntax error, or a function received arguments it cannot use at run time.',
      'Check the SQL syntax and the functions it calls.',
    ],
    [
      'SQL 语句解析失败。',
      '规则 SQL 存在语法错误，或运行时传入函数的参数不符合用法。',
      '检查 SQL 语法及其中函数的用法。',
    ],
    [
      'SQL 文を解析できませんでした。',
      'ルール SQL に構文エラーがあるか、実行時に関数へ渡した引数が使い方に合いません。',
      'SQL の構文と使用している関数を確認してください。',
    ],
  ),
  def(
    9320,
    ['message'],
    ['Invalid payload.', 'The message body sent by the device is malformed.', 'Check the payload format.'],
    ['消息体非法。', '设备发送的消息体格式不合法。', '检查消息体格式是否规范。'],
    [
      'ペイロードが不正です。',
      'デバイスが送ったメッセージ本文の形式が不正です。',
      'ペイロードの形式を確認してください。',
    ],
  ),
  def(
    9321,
    ['message'],
    [
      'Invalid parameter.',
      'A request parameter, including one for the forwarding destination, is not valid.',
      'Check the parameter named in the log.',
    ],
    ['参数非法。', '请求参数（包括流转目标的参数）不合法。', '根据日志提示检查对应参数。'],
    [
      'パラメータが不正です。',
      '転送先のものを含め、リクエストパラメータが不正です。',
      'ログに示されたパラメータを確認してください。',
    ],
  ),
  def(
    9324,
    ['message'],
    ['Forwarding rate limited.', 'The device or the tenant forwards too many requests.', 'Lower the message rate.'],
    ['流转被限流。', '设备或租户的流转请求过多。', '降低消息发送频率。'],
    [
      '転送が流量制限されました。',
      'デバイスまたはテナントの転送リクエストが多すぎます。',
      'メッセージの頻度を下げてください。',
    ],
  ),
  def(
    9325,
    ['message'],
    [
      'Forwarding destination unavailable (circuit open).',
      'The destination of data forwarding cannot be used, for example because it was deleted, suspended or is no longer accessible.',
      'Check the forwarding destination and the access granted to it.',
    ],
    [
      '流转目标不可用（已熔断）。',
      '数据流转的目标服务不可用，例如已删除、已停用或失去访问权限。',
      '检查流转目标服务及其访问授权。',
    ],
    [
      '転送先が利用できません（サーキットオープン）。',
      'データ転送先が削除・停止されたか、アクセスできなくなっています。',
      '転送先とそのアクセス権限を確認してください。',
    ],
  ),
  def(
    9331,
    ['message'],
    [
      'Forwarding destination reported an internal error.',
      'The destination service of data forwarding failed internally.',
      'Look up the error code carried in the log content for that destination.',
    ],
    ['流转目标内部错误。', '数据流转的目标服务内部出错。', '根据日志内容中的错误码到目标服务查询原因。'],
    [
      '転送先で内部エラーが発生しました。',
      'データ転送先のサービス内部でエラーが起きました。',
      'ログ内容のエラーコードを転送先のサービスで調べてください。',
    ],
  ),
  def(
    9332,
    ['message'],
    [
      'Forwarding destination misconfigured.',
      'The forwarding rule points at a destination that is misconfigured or missing.',
      'Check the rule configuration and that the target resource exists.',
    ],
    ['流转目标配置异常。', '流转规则指向的目标配置有误或资源不存在。', '检查流转规则配置以及目标资源是否存在。'],
    [
      '転送先の設定に誤りがあります。',
      '転送ルールの宛先設定が誤っているか、リソースが存在しません。',
      'ルール設定と宛先リソースの存在を確認してください。',
    ],
  ),
  def(
    9333,
    ['message'],
    [
      'Forwarding destination authorization error.',
      'The platform is not permitted to access the forwarding destination.',
      'Check the access policy granted to the platform.',
    ],
    ['流转目标授权错误。', '平台没有访问流转目标的权限。', '检查授予平台的访问策略。'],
    [
      '転送先の認可エラーです。',
      'プラットフォームに転送先へのアクセス権限がありません。',
      'プラットフォームに付与したアクセスポリシーを確認してください。',
    ],
  ),
  def(
    9362,
    ['message'],
    [
      'Rule script failed.',
      'The rule-engine script could not be parsed, or a function call inside it failed.',
      'Use the log content to check the script syntax and its function calls.',
    ],
    ['规则脚本执行异常。', '规则引擎脚本解析失败，或脚本中的函数调用出错。', '结合日志内容检查脚本语法和函数调用。'],
    [
      'ルールスクリプトの実行に失敗しました。',
      'ルールエンジンのスクリプトを解析できないか、スクリプト内の関数呼び出しが失敗しました。',
      'ログ内容をもとにスクリプトの構文と関数呼び出しを確認してください。',
    ],
  ),
  def(
    9389,
    ['message', 'thingModel'],
    [
      'Sub-device message failed: its gateway is offline.',
      'The gateway the sub-device depends on is not connected.',
      'Bring the gateway online (restart it if needed) so its sub-devices can log in again.',
    ],
    [
      '网关不在线，子设备消息发送失败。',
      '子设备所属的网关没有连接。',
      '确保网关在线（必要时重启网关），使子设备重新上线。',
    ],
    [
      'ゲートウェイがオフラインのため、サブデバイスのメッセージ送信に失敗しました。',
      'サブデバイスが属するゲートウェイが接続されていません。',
      'ゲートウェイをオンラインにし（必要なら再起動）、サブデバイスを再ログインさせてください。',
    ],
  ),
  def(
    9399,
    ['message'],
    [
      'Unknown internal server error.',
      'The platform hit an unexpected error.',
      'Retry; if it persists, report it with the trace id.',
    ],
    ['服务器内部未知错误。', '平台发生了意外错误。', '请重试；若持续出现，请携带 TraceId 反馈。'],
    [
      'サーバー内部の不明なエラーです。',
      'プラットフォームで予期しないエラーが発生しました。',
      '再試行してください。続く場合は TraceId を添えて報告してください。',
    ],
  ),
  def(
    9600,
    ['message'],
    [
      'Too many connections in one consumer group.',
      'The server-side subscription consumer group exceeded its connection limit.',
      'Close the surplus connections.',
    ],
    ['单个消费组的连接数超限。', '服务端订阅消费组的连接数超过上限。', '关闭多余的连接。'],
    [
      '1 つのコンシューマーグループの接続数が上限を超えました。',
      'サーバー側購読のコンシューマーグループで接続数が上限を超えました。',
      '余分な接続を閉じてください。',
    ],
  ),
  def(
    9601,
    ['message'],
    [
      'Invalid heartbeat value.',
      'The heartbeat of the server-side subscription client is outside the allowed range.',
      'Configure a heartbeat inside the documented range.',
    ],
    ['心跳值不符合要求。', '服务端订阅客户端的心跳值不在允许范围内。', '将心跳设置在文档规定的范围内。'],
    [
      'ハートビート値が不正です。',
      'サーバー側購読クライアントのハートビートが許容範囲外です。',
      '規定範囲内のハートビートを設定してください。',
    ],
  ),
  def(
    9602,
    ['message'],
    [
      'The server closed the connection.',
      'Load balancing or a server release closed the subscription connection.',
      'Implement reconnection in the receiver; this is usually harmless.',
    ],
    ['服务端主动断开连接。', '负载均衡调整或服务发布导致订阅连接被关闭。', '接收端需实现重连逻辑；通常不影响业务。'],
    [
      'サーバーが接続を切断しました。',
      'ロードバランスの調整やサーバーのリリースにより購読接続が閉じられました。',
      '受信側で再接続を実装してください。通常は影響ありません。',
    ],
  ),
  def(
    9650,
    ['message'],
    [
      'Message ACK timed out.',
      'The receiver did not acknowledge the message in time.',
      "Check the receiver's processing time.",
    ],
    ['消息 ACK 超时。', '接收端没有及时确认消息。', '检查接收端的处理耗时。'],
    [
      'メッセージの ACK がタイムアウトしました。',
      '受信側が時間内にメッセージを確認応答しませんでした。',
      '受信側の処理時間を確認してください。',
    ],
  ),
  def(
    9651,
    ['message'],
    [
      'Receiver answered ACK released.',
      'The receiver released the message instead of accepting it.',
      "Check the receiver's message handling.",
    ],
    ['接收端回复 ACK released。', '接收端释放了消息而没有接受它。', '检查接收端的消息处理逻辑。'],
    [
      '受信側が ACK released を返しました。',
      '受信側がメッセージを受け入れずに解放しました。',
      '受信側のメッセージ処理を確認してください。',
    ],
  ),
  def(
    9652,
    ['message'],
    ['Receiver answered NACK.', 'The receiver rejected the message.', "Check the receiver's message handling."],
    ['接收端回复 NACK。', '接收端拒绝了该消息。', '检查接收端的消息处理逻辑。'],
    [
      '受信側が NACK を返しました。',
      '受信側がメッセージを拒否しました。',
      '受信側のメッセージ処理を確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- thing model (§7.1)
  def(
    100000,
    ['thingModel'],
    [
      'Parameter error: instance could not be resolved.',
      "The instance id was not found while loading the product's configuration.",
      'Make sure the request targets a valid instance; report it if it keeps happening.',
    ],
    ['参数错误：未获取到实例。', '查询产品配置时没有得到实例 ID。', '确认请求指向有效的实例；若持续出现请反馈。'],
    [
      'パラメータエラー：インスタンスを特定できません。',
      'プロダクト設定の取得時にインスタンス ID が見つかりませんでした。',
      '有効なインスタンスを対象にしているか確認し、続く場合は報告してください。',
    ],
  ),
  def(
    9237,
    ['thingModel'],
    [
      'Service suspended: the account is in arrears.',
      'The account has an overdue balance, so devices cannot be served.',
      'Settle the account balance.',
    ],
    ['服务已欠费。', '账号处于欠费状态，设备服务不可用。', '结清账号欠款，保证余额充足。'],
    [
      '料金未払いのためサービスが停止しています。',
      'アカウントが未払い状態のため、デバイスにサービスを提供できません。',
      'アカウントの残高を精算してください。',
    ],
  ),
  def(
    6208,
    ['thingModel'],
    [
      'Device is disabled; property set and service calls are refused.',
      'Setting properties and invoking services are blocked while the device is disabled.',
      'Enable the device and retry.',
    ],
    ['设备已禁用，属性设置与服务调用被拒绝。', '设备禁用期间，属性设置和服务调用被禁止。', '启用设备后重试。'],
    [
      'デバイスが無効のため、プロパティ設定とサービス呼び出しは拒否されます。',
      'デバイスの無効化中はプロパティ設定とサービス呼び出しが禁止されます。',
      'デバイスを有効化してから再試行してください。',
    ],
  ),
  def(
    6300,
    ['thingModel'],
    [
      'Method missing during thing-model validation.',
      'The Alink payload, or the output of the uplink script for custom formats, has no method, so it cannot be checked against the thing model.',
      'Inspect the reported payload in the run log or the device log and make sure it carries the method.',
    ],
    [
      '物模型校验时缺少 method。',
      'Alink 报文，或自定义格式经上行脚本转换后的结果中没有 method，无法进行物模型校验。',
      '在运行日志或设备本地日志中查看上报的数据，确保其中带有 method。',
    ],
    [
      'モデル検証時に method がありません。',
      'Alink ペイロード、またはカスタム形式をアップリンクスクリプトで変換した結果に method がなく、モデルと照合できません。',
      '実行ログまたはデバイスログで報告データを確認し、method を含めてください。',
    ],
  ),
  def(
    6206,
    ['thingModel'],
    [
      'Service definition lookup failed.',
      "The invoked service is not defined in the product's thing model.",
      'Check the service identifier against the feature definition, including invisible characters.',
    ],
    [
      '查询服务定义出错。',
      '调用的服务在产品物模型中不存在。',
      '对照功能定义核对服务标识符，并检查是否含有不可见字符。',
    ],
    [
      'サービス定義の取得に失敗しました。',
      '呼び出したサービスがプロダクトのモデルに定義されていません。',
      '機能定義と照らしてサービス識別子を確認してください（不可視文字を含む）。',
    ],
  ),
  def(
    6200,
    ['thingModel'],
    [
      'Parsing script not found.',
      'A product with a custom (raw) data format needs a parsing script for downlink calls, and none is saved.',
      "Check the product's script; save it again and retry.",
    ],
    [
      '解析脚本不存在。',
      '自定义（透传）格式的产品在下行调用时需要解析脚本，但没有已保存的脚本。',
      '检查产品脚本是否存在；重新保存后再试。',
    ],
    [
      '解析スクリプトがありません。',
      'カスタム（パススルー）形式のプロダクトは下り呼び出しに解析スクリプトが必要ですが、保存されていません。',
      'プロダクトのスクリプトを確認し、保存し直してから再試行してください。',
    ],
  ),
  def(
    6201,
    ['thingModel'],
    [
      'Parsing script returned empty data.',
      'The script ran but returned nothing (rawDataToProtocol returned null, or protocolToRawData returned null or an empty array).',
      'Review the script for the cases in which it returns empty data.',
    ],
    [
      '脚本转换结果为空。',
      '脚本执行成功但没有返回数据（rawDataToProtocol 返回 null，或 protocolToRawData 返回 null 或空数组）。',
      '检查脚本在哪些情况下会返回空数据。',
    ],
    [
      'スクリプトの変換結果が空です。',
      'スクリプトは実行されましたが何も返しませんでした（rawDataToProtocol が null、または protocolToRawData が null・空配列）。',
      'スクリプトが空データを返す条件を確認してください。',
    ],
  ),
  def(
    6207,
    ['thingModel'],
    [
      'Data format error.',
      'The payload reported by the device (or the output of its parsing script) is not valid Alink JSON, the device answered a synchronous call with malformed data, or the service arguments have a wrong format.',
      'Compare the payload with the Alink message format and with the thing model definition.',
    ],
    [
      '数据格式错误。',
      '设备上报的数据（或其解析脚本的输出）不是合法的 Alink JSON，设备对同步调用返回的数据格式有误，或服务调用的参数格式不正确。',
      '对照 Alink 协议的报文格式以及物模型定义进行检查。',
    ],
    [
      'データ形式のエラーです。',
      'デバイスが報告したデータ（または解析スクリプトの出力）が正しい Alink JSON でない、同期呼び出しへの応答形式が誤っている、またはサービス引数の形式が不正です。',
      'Alink のメッセージ形式とモデル定義に照らして確認してください。',
    ],
  ),
  def(
    6330,
    ['thingModel'],
    [
      'Value does not conform to the long type.',
      'A long-typed parameter or property received a value in another format.',
      'Check the reported value against the thing model definition.',
    ],
    ['数据不符合 Long 类型规范。', 'Long 类型的参数或属性收到了其他格式的值。', '对照物模型定义检查上报的值。'],
    [
      '値が long 型の規約に合いません。',
      'long 型のパラメータまたはプロパティに別形式の値が渡されました。',
      'モデル定義と照らして報告値を確認してください。',
    ],
  ),
  def(
    6335,
    ['thingModel'],
    [
      'Property-set reply must have empty data.',
      'The reply to a property set defines no output, but the device returned a non-empty data field.',
      'Answer property set with "data": {}.',
    ],
    [
      '属性设置的回复中 data 必须为空。',
      '属性设置的响应没有定义输出，但设备返回的 data 不为空。',
      '回复属性设置时使用 "data": {}。',
    ],
    [
      'プロパティ設定の応答の data は空である必要があります。',
      'プロパティ設定の応答には出力がありませんが、デバイスが空でない data を返しました。',
      'プロパティ設定には "data": {} で応答してください。',
    ],
  ),
  def(
    5490,
    ['thingModel'],
    [
      'Thing model module does not exist.',
      'The custom module named in the identifier is not defined, or it was deleted.',
      'Check the module part of {moduleId}:{identifier} and that the module still exists.',
    ],
    [
      '物模型功能模块不存在。',
      '标识符中引用的自定义模块未定义或已被删除。',
      '检查 {moduleId}:{identifier} 中的模块部分，并确认模块仍然存在。',
    ],
    [
      'モデルの機能モジュールが存在しません。',
      '識別子で指定したカスタムモジュールが未定義か、削除されています。',
      '{moduleId}:{identifier} のモジュール部分と、モジュールが存在するかを確認してください。',
    ],
  ),
  def(
    5092,
    ['thingModel'],
    [
      'Property not defined in the thing model.',
      'An uplink or downlink message names a property the thing model does not define.',
      'Compare the property identifiers with the thing model; properties of custom modules are written {moduleId}:{identifier}.',
    ],
    [
      '属性在物模型中不存在。',
      '上行或下行消息中的属性没有在物模型中定义。',
      '对照物模型核对属性标识符；自定义模块的属性写作 {moduleId}:{identifier}。',
    ],
    [
      'プロパティがモデルに定義されていません。',
      '上りまたは下りメッセージに、モデルにないプロパティが含まれています。',
      'モデルと照らして識別子を確認してください。カスタムモジュールのプロパティは {moduleId}:{identifier} と書きます。',
    ],
  ),
  def(
    5094,
    ['thingModel'],
    [
      'Service not defined in the thing model.',
      'The thing model has no such service, or the arguments do not fit it. Services of custom modules are addressed as {moduleId}:{identifier}.',
      'Check the service definition and the identifier used.',
    ],
    [
      '服务在物模型中不存在。',
      '物模型未定义该服务，或入参与定义不符。自定义模块的服务需写作 {moduleId}:{identifier}。',
      '检查服务定义和所用的标识符。',
    ],
    [
      'サービスがモデルに定義されていません。',
      'モデルにそのサービスがないか、引数が定義と一致しません。カスタムモジュールのサービスは {moduleId}:{identifier} で指定します。',
      'サービス定義と使用した識別子を確認してください。',
    ],
  ),
  def(
    5096,
    ['thingModel'],
    [
      'Event not defined in the thing model.',
      'The thing model has no such event, or the parameters do not fit it. Events of custom modules are addressed as {moduleId}:{identifier}.',
      'Check the event definition and the identifier used.',
    ],
    [
      '事件在物模型中不存在。',
      '物模型未定义该事件，或参数与定义不符。自定义模块的事件需写作 {moduleId}:{identifier}。',
      '检查事件定义和所用的标识符。',
    ],
    [
      'イベントがモデルに定義されていません。',
      'モデルにそのイベントがないか、パラメータが定義と一致しません。カスタムモジュールのイベントは {moduleId}:{identifier} で指定します。',
      'イベント定義と使用した識別子を確認してください。',
    ],
  ),
  internal(
    5159,
    ['thingModel'],
    [
      'Error reading property definitions from the thing model.',
      '读取物模型属性定义时出错。',
      'モデルからプロパティ定義を読み込む際にエラーが発生しました。',
    ],
  ),
  internal(
    5160,
    ['thingModel'],
    [
      'Error reading event definitions from the thing model.',
      '读取物模型事件定义时出错。',
      'モデルからイベント定義を読み込む際にエラーが発生しました。',
    ],
  ),
  internal(
    5161,
    ['thingModel'],
    [
      'Error reading service definitions from the thing model.',
      '读取物模型服务定义时出错。',
      'モデルからサービス定義を読み込む際にエラーが発生しました。',
    ],
  ),
  internal(
    6661,
    ['thingModel'],
    ['Error querying tenant information.', '查询租户信息时出错。', 'テナント情報の取得でエラーが発生しました。'],
  ),
  internal(
    6205,
    ['thingModel'],
    ['Downlink service call failed.', '下行服务调用出错。', '下りサービス呼び出しでエラーが発生しました。'],
  ),
  internal(
    26015,
    ['thingModel'],
    ['Script processing error.', '脚本处理出错。', 'スクリプト処理でエラーが発生しました。'],
  ),
  def(
    6106,
    ['thingModel'],
    [
      'Too many properties in one report.',
      'A single property post may carry at most 200 valid properties.',
      'Split the report into several messages of at most 200 properties each.',
    ],
    [
      '单次上报的属性过多。',
      '一次属性上报最多只能包含 200 个有效属性。',
      '将数据拆分为多条消息，每条不超过 200 个属性。',
    ],
    [
      '1 回の報告に含まれるプロパティが多すぎます。',
      '1 回のプロパティ報告に含められる有効なプロパティは最大 200 個です。',
      '1 メッセージあたり 200 個以下になるよう分割してください。',
    ],
  ),
  def(
    6320,
    ['thingModel'],
    [
      'Property information missing during thing-model validation.',
      "No property definitions were found in the device's thing model.",
      'Check that the product defines the property and add it if it is missing.',
    ],
    [
      '物模型校验时属性信息不存在。',
      '在设备的物模型中没有找到属性定义。',
      '检查产品功能定义中是否有该属性，缺少时请补充定义。',
    ],
    [
      'モデル検証時にプロパティ情報がありません。',
      'デバイスのモデルにプロパティ定義が見つかりませんでした。',
      'プロダクトにそのプロパティが定義されているか確認し、なければ追加してください。',
    ],
  ),
  def(
    6450,
    ['thingModel'],
    [
      'Alink payload has no method.',
      'The Alink payload, or the script output of a custom-format product, lacks the method field.',
      'Add the method field, or publish on a topic from which the method can be derived.',
    ],
    [
      'Alink 数据中缺少 method。',
      'Alink 格式的数据（或自定义格式经脚本解析后的数据）中没有 method 字段。',
      '补充 method 字段，或使用可推导出 method 的 Topic 发布。',
    ],
    [
      'Alink データに method がありません。',
      'Alink 形式のデータ（またはカスタム形式をスクリプトで解析した結果）に method フィールドがありません。',
      'method フィールドを追加するか、method を導出できるトピックに発行してください。',
    ],
  ),
  def(
    6452,
    ['thingModel'],
    [
      'Rate limited.',
      'The request volume triggered flow control.',
      'Lower the request rate; report it if it persists.',
    ],
    ['触发限流。', '请求量过大触发了限流。', '降低请求频率；若持续出现请反馈。'],
    [
      '流量制限されました。',
      'リクエスト量が多く流量制御が働きました。',
      'リクエスト頻度を下げてください。続く場合は報告してください。',
    ],
  ),
  def(
    6760,
    ['thingModel'],
    [
      'Tenant storage quota exceeded.',
      "The stored data exceeded the tenant's storage quota.",
      'Free storage (shorten retention) or raise the quota.',
    ],
    ['租户存储空间超出配额。', '已存储的数据超过了租户的存储配额。', '释放存储空间（缩短保留时间）或提高配额。'],
    [
      'テナントのストレージ容量を超えました。',
      '保存データがテナントのストレージ上限を超えました。',
      '保持期間を短くして容量を空けるか、上限を引き上げてください。',
    ],
  ),
  def(
    460,
    ['thingModel'],
    ['Parameter error.', 'The request parameters are wrong.', 'Check the request parameters.'],
    ['参数错误。', '请求参数有误。', '检查请求参数。'],
    ['パラメータエラーです。', 'リクエストのパラメータが誤っています。', 'リクエストパラメータを確認してください。'],
  ),
  def(
    500,
    ['thingModel', 'subscribe'],
    [
      'Internal server error.',
      'An unexpected error occurred while handling the request (a service call, a property set or a subscription).',
      'Retry; report it with the trace id if it persists.',
    ],
    [
      '系统内部异常。',
      '处理请求（服务调用、属性设置或订阅）时发生未知异常。',
      '请重试；若持续出现，请携带 TraceId 反馈。',
    ],
    [
      'サーバー内部エラーです。',
      'リクエスト（サービス呼び出し・プロパティ設定・購読）の処理中に予期しないエラーが発生しました。',
      '再試行してください。続く場合は TraceId を添えて報告してください。',
    ],
  ),
  def(
    400,
    ['thingModel'],
    [
      'Service request error.',
      'An unknown error occurred while invoking the service.',
      'Retry; report it with the trace id if it persists.',
    ],
    ['服务请求出错。', '调用服务时发生未知错误。', '请重试；若持续出现，请携带 TraceId 反馈。'],
    [
      'サービスリクエストのエラーです。',
      'サービス呼び出し中に不明なエラーが発生しました。',
      '再試行してください。続く場合は TraceId を添えて報告してください。',
    ],
  ),
  def(
    429,
    ['thingModel'],
    ['Too many requests.', 'The request rate triggered flow control.', 'Slow down and retry later.'],
    ['请求过于频繁。', '请求频率触发了系统限流。', '降低频率，稍后重试。'],
    ['リクエストが多すぎます。', 'リクエスト頻度が流量制御に達しました。', '頻度を下げて後で再試行してください。'],
  ),

  // ---------------------------------------------------------------- TSL common (§7.1)
  internal(
    6321,
    ['tsl'],
    [
      'A property in the thing model has no identifier.',
      '物模型中的属性缺少标识符。',
      'モデル内のプロパティに識別子がありません。',
    ],
  ),
  internal(6317, ['tsl'], ['The thing model is invalid.', '物模型有错误。', 'モデルに誤りがあります。']),
  def(
    6332,
    ['tsl'],
    [
      'Parameters do not conform to the thing model.',
      'The supplied parameters do not match the TSL definition: wrong shape, an unknown parameter, or a property that cannot be written.',
      "Compare the parameters with the product's feature definition.",
    ],
    [
      '传入参数不符合物模型规范。',
      '传入的参数与 TSL 定义不符：结构不对、含有未定义的参数，或属性不可写。',
      '对照产品的功能定义核对传入参数。',
    ],
    [
      'パラメータがモデルの規約に合いません。',
      '渡したパラメータが TSL 定義と一致しません（構造の誤り、未定義のパラメータ、書き込み不可のプロパティなど）。',
      'プロダクトの機能定義と照らしてパラメータを確認してください。',
    ],
  ),
  def(
    6302,
    ['tsl'],
    [
      'Required parameter missing.',
      'An input parameter defined for the service was not supplied.',
      'Supply every input parameter defined for the service.',
    ],
    ['参数不存在。', '服务定义的输入参数没有传入。', '传入服务定义的全部输入参数。'],
    [
      '必須パラメータがありません。',
      'サービスに定義された入力パラメータが渡されていません。',
      'サービスに定義されたすべての入力パラメータを渡してください。',
    ],
  ),
  def(
    6306,
    ['tsl'],
    [
      'Value does not conform to int (32-bit integer).',
      'The value is not an integer, or lies outside the min/max of the definition.',
      'Send an integer inside the defined range.',
    ],
    ['参数不符合整型（int32）规范。', '值不是整数，或超出定义的最小/最大值范围。', '传入定义范围内的整数。'],
    [
      '値が int（32 ビット整数）の規約に合いません。',
      '値が整数でないか、定義の最小値・最大値の範囲外です。',
      '定義範囲内の整数を送ってください。',
    ],
  ),
  def(
    6307,
    ['tsl'],
    [
      'Value does not conform to float (32-bit).',
      'The value is not a number, or lies outside the min/max of the definition.',
      'Send a number inside the defined range.',
    ],
    ['参数不符合单精度浮点（float）规范。', '值不是数字，或超出定义的最小/最大值范围。', '传入定义范围内的数值。'],
    [
      '値が float（32 ビット浮動小数点）の規約に合いません。',
      '値が数値でないか、定義の最小値・最大値の範囲外です。',
      '定義範囲内の数値を送ってください。',
    ],
  ),
  def(
    6322,
    ['tsl'],
    [
      'Value does not conform to double (64-bit).',
      'The value is not a number, or lies outside the min/max of the definition.',
      'Send a number inside the defined range.',
    ],
    ['参数不符合双精度浮点（double）规范。', '值不是数字，或超出定义的最小/最大值范围。', '传入定义范围内的数值。'],
    [
      '値が double（64 ビット浮動小数点）の規約に合いません。',
      '値が数値でないか、定義の最小値・最大値の範囲外です。',
      '定義範囲内の数値を送ってください。',
    ],
  ),
  def(
    6308,
    ['tsl'],
    ['Value does not conform to bool.', 'A bool value must be the number 0 or 1.', 'Send 0 or 1.'],
    ['参数不符合布尔类型规范。', '布尔值必须是数字 0 或 1。', '传入 0 或 1。'],
    [
      '値が bool の規約に合いません。',
      'bool の値は数値の 0 または 1 である必要があります。',
      '0 または 1 を送ってください。',
    ],
  ),
  def(
    6309,
    ['tsl'],
    [
      'Value does not conform to enum.',
      'The value is not one of the integer values listed in the enumeration.',
      'Send one of the values defined for the enum.',
    ],
    ['参数不符合枚举类型规范。', '值不是枚举中列出的整数值之一。', '传入枚举定义中的某个值。'],
    [
      '値が enum の規約に合いません。',
      '値が列挙に定義された整数値のいずれでもありません。',
      '列挙に定義された値のいずれかを送ってください。',
    ],
  ),
  def(
    6310,
    ['tsl'],
    [
      'Value does not conform to text.',
      'The value is not a string, or it is longer than the defined length.',
      'Send a string within the defined length.',
    ],
    ['参数不符合字符串类型规范。', '值不是字符串，或长度超过定义的上限。', '传入长度在定义范围内的字符串。'],
    [
      '値が text の規約に合いません。',
      '値が文字列でないか、定義された長さを超えています。',
      '定義された長さ以内の文字列を送ってください。',
    ],
  ),
  def(
    6311,
    ['tsl'],
    [
      'Value does not conform to date.',
      'A date must be a UTC timestamp in milliseconds written as a string of digits.',
      'Send the UTC millisecond timestamp, for example "1700000000000".',
    ],
    [
      '参数不符合日期类型规范。',
      '日期必须是以数字字符串表示的 UTC 毫秒时间戳。',
      '传入 UTC 毫秒时间戳，例如 "1700000000000"。',
    ],
    [
      '値が date の規約に合いません。',
      'date は数字の文字列で表した UTC ミリ秒タイムスタンプである必要があります。',
      'UTC ミリ秒タイムスタンプ（例："1700000000000"）を送ってください。',
    ],
  ),
  def(
    6312,
    ['tsl'],
    [
      'Value does not conform to struct.',
      'The value is not an object, or its number of fields differs from the definition.',
      'Send an object with exactly the fields of the struct.',
    ],
    ['参数不符合结构体类型规范。', '值不是对象，或字段个数与定义不一致。', '传入与结构体定义字段完全一致的对象。'],
    [
      '値が struct の規約に合いません。',
      '値がオブジェクトでないか、フィールド数が定義と異なります。',
      '構造体の定義どおりのフィールドを持つオブジェクトを送ってください。',
    ],
  ),
  def(
    6304,
    ['tsl'],
    [
      'Field not defined in the struct.',
      'The struct value contains a field the definition does not have.',
      'Remove the unknown field, or add it to the struct definition.',
    ],
    ['结构体中不存在该参数。', '结构体的值中包含定义里没有的字段。', '去掉未定义的字段，或在结构体定义中补充该字段。'],
    [
      '構造体に存在しないフィールドです。',
      '構造体の値に定義にないフィールドが含まれています。',
      '未定義のフィールドを削除するか、構造体の定義に追加してください。',
    ],
  ),
  def(
    6324,
    ['tsl'],
    [
      'Array value does not conform to its definition.',
      'An item does not match the item type, or there are more items than the defined size.',
      'Check the item type and the array size in the definition, and the items the device sends.',
    ],
    [
      '数组类型参数不符合规范。',
      '数组元素与元素类型不符，或元素个数超过定义的最大值。',
      '检查定义中的元素类型与数组大小，以及设备上报的元素。',
    ],
    [
      '配列の値が定義に合いません。',
      '要素が要素型と一致しないか、要素数が定義のサイズを超えています。',
      '定義の要素型と配列サイズ、およびデバイスが送る要素を確認してください。',
    ],
  ),
  def(
    6328,
    ['tsl'],
    ['Value is not an array.', 'An array-typed parameter received a value that is not an array.', 'Send a JSON array.'],
    ['传入的参数不是数组类型。', '数组类型的参数收到了非数组的值。', '传入 JSON 数组。'],
    ['値が配列ではありません。', '配列型のパラメータに配列以外の値が渡されました。', 'JSON 配列を送ってください。'],
  ),
  def(
    6325,
    ['tsl'],
    [
      'Array item type not supported.',
      'Array items may only be int, float, double, text or struct.',
      'Change the item type of the array to a supported one.',
    ],
    [
      '数组元素类型不受支持。',
      '数组元素只支持 int、float、double、text、struct 类型。',
      '把数组的元素类型改为受支持的类型。',
    ],
    [
      '配列の要素型はサポートされていません。',
      '配列の要素に使えるのは int・float・double・text・struct のみです。',
      '配列の要素型をサポートされている型に変更してください。',
    ],
  ),
  internal(
    6318,
    ['tsl'],
    [
      'System error while parsing the thing model.',
      '解析物模型时系统异常。',
      'モデルの解析中にシステムエラーが発生しました。',
    ],
  ),
  internal(
    6329,
    ['tsl'],
    [
      'Array definition in the thing model could not be parsed.',
      '物模型中的数组规范解析出错。',
      'モデル内の配列定義を解析できませんでした。',
    ],
  ),
  internal(
    6323,
    ['tsl'],
    [
      'Parameter definition in the thing model is malformed.',
      '物模型中的参数规范格式错误。',
      'モデル内のパラメータ定義の形式が誤っています。',
    ],
  ),
  internal(
    6316,
    ['tsl'],
    [
      'Error parsing a parameter of the thing model.',
      '解析物模型参数时出错。',
      'モデルのパラメータ解析でエラーが発生しました。',
    ],
  ),
  internal(
    6314,
    ['tsl'],
    ['Data type not supported by the thing model.', '物模型不支持该数据类型。', 'モデルが対応していないデータ型です。'],
  ),
  internal(
    6301,
    ['tsl'],
    [
      'Error while checking parameters against the thing model.',
      '按物模型校验参数格式时出错。',
      'モデルに基づくパラメータ検証でエラーが発生しました。',
    ],
  ),

  // ---------------------------------------------------------------- data-parsing scripts (§7.1)
  def(
    26010,
    ['script'],
    [
      'Script requests rate limited.',
      'Script executions were requested too often.',
      'Lower the message rate; report it if it persists.',
    ],
    ['脚本请求被限流。', '脚本执行请求过于频繁。', '降低消息频率；若持续出现请反馈。'],
    [
      'スクリプトのリクエストが流量制限されました。',
      'スクリプトの実行要求が多すぎます。',
      'メッセージ頻度を下げてください。続く場合は報告してください。',
    ],
  ),
  def(
    26001,
    ['script'],
    [
      'Script content is empty.',
      'No saved script was found when it had to run.',
      'Check that the product script exists and is saved as a published version rather than a draft.',
    ],
    ['脚本内容为空。', '执行时没有找到已保存的脚本。', '确认产品脚本存在，且保存的是正式版本而不是草稿。'],
    [
      'スクリプトの内容が空です。',
      '実行時に保存済みのスクリプトが見つかりませんでした。',
      'プロダクトのスクリプトが存在し、下書きではなく正式版として保存されているか確認してください。',
    ],
  ),
  def(
    26002,
    ['script'],
    [
      'Script failed while running.',
      'The script contains an error, for example a syntax error.',
      'Run the script in the console with the same input to see the error, then fix it.',
    ],
    ['脚本执行异常。', '脚本本身有问题，例如语法错误。', '在控制台用相同参数执行脚本查看具体错误并修改。'],
    [
      'スクリプトの実行中にエラーが発生しました。',
      'スクリプトに構文エラーなどの誤りがあります。',
      'コンソールで同じ入力でスクリプトを実行してエラーを確認し、修正してください。',
    ],
  ),
  def(
    26003,
    ['script'],
    [
      'Script timed out.',
      'The script ran longer than the 3-second limit.',
      'Simplify the logic, look for endless loops, and test the script locally before saving it.',
    ],
    ['脚本执行超时。', '脚本运行时间超过了 3 秒的限制。', '简化脚本逻辑，排查死循环，并在本地验证通过后再保存。'],
    [
      'スクリプトがタイムアウトしました。',
      'スクリプトの実行時間が 3 秒の上限を超えました。',
      '処理を簡素化し無限ループがないか確認し、ローカルで検証してから保存してください。',
    ],
  ),
  def(
    26006,
    ['script'],
    [
      'Required script function missing.',
      'The script must define both protocolToRawData and rawDataToProtocol.',
      'Add the missing function to the script.',
    ],
    ['脚本缺少必需的函数。', '脚本必须同时定义 protocolToRawData 和 rawDataToProtocol。', '在脚本中补充缺少的函数。'],
    [
      'スクリプトに必要な関数がありません。',
      'スクリプトには protocolToRawData と rawDataToProtocol の両方が必要です。',
      '不足している関数をスクリプトに追加してください。',
    ],
  ),
  def(
    26007,
    ['script'],
    [
      'Script returned a result of the wrong type.',
      'protocolToRawData must return a byte array and rawDataToProtocol a JSON object; replies sent back to the device also pass through the script.',
      'Run the script locally with the same input and check the type it returns.',
    ],
    [
      '脚本返回结果格式不正确。',
      'protocolToRawData 必须返回 byte[] 数组，rawDataToProtocol 必须返回 JSON 对象；回给设备的应答也会经过脚本处理。',
      '在本地用相同输入执行脚本，检查返回值的类型。',
    ],
    [
      'スクリプトの戻り値の形式が誤っています。',
      'protocolToRawData はバイト配列、rawDataToProtocol は JSON オブジェクトを返す必要があります。デバイスへの応答もスクリプトを通ります。',
      '同じ入力でローカル実行し、戻り値の型を確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- subscribe (§7.1)
  def(
    403,
    ['subscribe'],
    [
      'Request forbidden.',
      'The subscription was refused: the account is in arrears or the topic authorization failed.',
      "Check the topic rights of the device's product.",
    ],
    ['请求被禁止。', '订阅被拒绝：账号欠费或 Topic 鉴权失败。', '检查设备所属产品的 Topic 权限。'],
    [
      'リクエストが禁止されました。',
      '購読が拒否されました（料金未払い、またはトピック認可の失敗）。',
      'デバイスのプロダクトのトピック権限を確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- topology (§7.1)
  def(
    5005,
    ['topo'],
    ['Product lookup failed.', 'The product does not exist.', 'Check that the productKey exists on the products page.'],
    ['查询产品信息失败。', '产品不存在。', '在产品页面确认 ProductKey 是否存在。'],
    [
      'プロダクト情報の取得に失敗しました。',
      'プロダクトが存在しません。',
      'プロダクトページで ProductKey が存在するか確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- remote configuration (§7.1)
  def(
    6710,
    ['remoteConfig'],
    [
      'Remote configuration file is empty.',
      'The configuration has not been edited and saved in the console.',
      'Edit and save the configuration template, then let the device request it again.',
    ],
    ['远程配置文件没有内容。', '控制台中的远程配置尚未编辑保存。', '在配置模板中编辑并保存后，让设备重新获取。'],
    [
      'リモート設定ファイルが空です。',
      'コンソールで設定が編集・保存されていません。',
      '設定テンプレートを編集・保存し、デバイスに再取得させてください。',
    ],
  ),
  def(
    6713,
    ['remoteConfig'],
    [
      'Remote configuration is switched off.',
      'The remote configuration switch of the product is off.',
      'Turn on remote configuration for the product on the remote configuration page.',
    ],
    ['远程配置开关未打开。', '产品的远程配置开关处于关闭状态。', '在远程配置页面为该产品打开开关。'],
    [
      'リモート設定がオフです。',
      'プロダクトのリモート設定スイッチがオフになっています。',
      'リモート設定ページでプロダクトのスイッチをオンにしてください。',
    ],
  ),

  // ---------------------------------------------------------------- device jobs (§7.1)
  def(
    71035,
    ['job'],
    [
      'Job request refers to an unsupported job.',
      'The job topics (thing/job/notify, thing/job/get, thing/job/update) serve custom jobs only; the job is not a custom job, or its execution has already reached a final state.',
      'Check the job type and state on the job detail page.',
    ],
    [
      '任务请求指向不受支持的任务。',
      '任务相关 Topic（thing/job/notify、thing/job/get、thing/job/update）只支持自定义任务；该任务不是自定义任务，或其作业已处于终态。',
      '在任务详情页查看任务类型和状态。',
    ],
    [
      'ジョブ要求がサポート外のジョブを指しています。',
      'ジョブ用トピック（thing/job/notify・get・update）はカスタムジョブ専用です。対象がカスタムジョブでないか、実行がすでに最終状態です。',
      'ジョブ詳細ページでジョブの種類と状態を確認してください。',
    ],
  ),
  def(
    71019,
    ['job'],
    [
      'Device job does not exist.',
      'The job has no execution for this device.',
      'Check the executions listed for the job.',
    ],
    ['设备任务不存在。', '该任务下没有此设备对应的作业。', '在任务的作业列表中确认是否存在。'],
    [
      'デバイスジョブが存在しません。',
      'このジョブにはこのデバイスの実行がありません。',
      'ジョブの実行一覧を確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- secure tunnel & remote login (§7.1)
  def(
    78114,
    ['tunnel'],
    [
      'Secure tunnel authentication failed.',
      'The token presented by the access side or the device side did not verify.',
      'Use the token issued when the tunnel was created.',
    ],
    ['安全隧道建连认证失败。', '访问端或设备端提交的 Token 校验未通过。', '使用创建隧道时签发的 Token。'],
    [
      'セキュアトンネルの認証に失敗しました。',
      'アクセス側またはデバイス側が提示したトークンを検証できませんでした。',
      'トンネル作成時に発行されたトークンを使ってください。',
    ],
  ),
  def(
    78115,
    ['tunnel'],
    [
      'Tunnel session could not be created.',
      'The service_type failed validation, the device did not answer in time, or the device refused the session.',
      'Use a valid service_type and make sure the device agent accepts sessions.',
    ],
    [
      '隧道会话创建失败。',
      'service_type 校验失败、设备端响应超时，或设备端拒绝创建会话。',
      '使用合法的 service_type，并确认设备端代理能够接受会话。',
    ],
    [
      'トンネルのセッションを作成できませんでした。',
      'service_type の検証に失敗した、デバイスが時間内に応答しなかった、またはデバイスがセッションを拒否しました。',
      '正しい service_type を使い、デバイスのエージェントがセッションを受け付けるか確認してください。',
    ],
  ),
  def(
    78116,
    ['tunnel'],
    [
      'Remote login failed.',
      'The user name or password entered for remote login is wrong.',
      'Check the user name and password.',
    ],
    ['远程登录失败。', '远程登录输入的用户名或密码错误。', '核对用户名和密码。'],
    [
      'リモートログインに失敗しました。',
      'リモートログインのユーザー名またはパスワードが誤っています。',
      'ユーザー名とパスワードを確認してください。',
    ],
  ),

  // ---------------------------------------------------------------- device file upload (§7.1)
  def(
    78123,
    ['fileUpload'],
    [
      'A file with the same name already exists.',
      'The device requested an upload whose file name matches a completed upload, and its conflict strategy does not allow that.',
      'Use another file name, or set the conflict strategy to overwrite.',
    ],
    [
      '同名文件已存在。',
      '设备请求上传的文件与已上传完成的文件同名，且同名处理策略不允许上传。',
      '更换文件名，或将同名处理策略设为 overwrite。',
    ],
    [
      '同名のファイルがすでに存在します。',
      'アップロード済みのファイルと同じ名前で要求され、同名時の処理方針がそれを許可していません。',
      '別のファイル名を使うか、同名時の方針を overwrite にしてください。',
    ],
  ),
  def(
    78129,
    ['fileUpload'],
    [
      'Too many files stored for the device.',
      'At most 1,000 uploaded files are kept per device.',
      'Delete old files before uploading more.',
    ],
    ['设备上传的文件数量超出限制。', '每个设备最多保存 1,000 个上传文件。', '删除旧文件后再上传。'],
    [
      'デバイスの保存ファイル数が上限を超えました。',
      '1 デバイスあたり保存できるアップロードファイルは最大 1,000 個です。',
      '古いファイルを削除してからアップロードしてください。',
    ],
  ),

  // ---------------------------------------------------------------- IoT Ops CONNECT extensions
  def(
    40001,
    ['auth'],
    [
      'Malformed MQTT clientId.',
      'The clientId is not of the form <id>|securemode=2|3,signmethod=...|, or the <id> part is longer than 64 characters.',
      'Build the clientId as the Link SDKs do, e.g. "<productKey>.<deviceName>|securemode=2,signmethod=hmacsha256,timestamp=<ms>|".',
    ],
    [
      'MQTT clientId 格式错误。',
      'clientId 不符合 <id>|securemode=2|3,signmethod=...| 格式，或 <id> 部分超过 64 个字符。',
      '按 Link SDK 的方式构造 clientId，例如 "<productKey>.<deviceName>|securemode=2,signmethod=hmacsha256,timestamp=<毫秒>|"。',
    ],
    [
      'MQTT の clientId の形式が誤っています。',
      'clientId が <id>|securemode=2|3,signmethod=...| の形式でないか、<id> 部分が 64 文字を超えています。',
      'Link SDK と同じく clientId を組み立ててください（例："<productKey>.<deviceName>|securemode=2,signmethod=hmacsha256,timestamp=<ミリ秒>|"）。',
    ],
    'iotops',
  ),
  def(
    40002,
    ['auth'],
    [
      'Malformed MQTT username.',
      'The username is not of the form <deviceName>&<productKey>.',
      'Send "<deviceName>&<productKey>" as the MQTT username.',
    ],
    [
      'MQTT 用户名格式错误。',
      '用户名不符合 <deviceName>&<productKey> 格式。',
      '使用 "<deviceName>&<productKey>" 作为 MQTT 用户名。',
    ],
    [
      'MQTT のユーザー名の形式が誤っています。',
      'ユーザー名が <deviceName>&<productKey> の形式ではありません。',
      'MQTT のユーザー名に "<deviceName>&<productKey>" を指定してください。',
    ],
    'iotops',
  ),
  def(
    40003,
    ['auth'],
    [
      'Unsupported sign method.',
      'signmethod in the clientId must be hmacmd5, hmacsha1 or hmacsha256.',
      'Use one of the supported sign methods (hmacsha256 is recommended).',
    ],
    [
      '不支持的签名方法。',
      'clientId 中的 signmethod 只能是 hmacmd5、hmacsha1 或 hmacsha256。',
      '使用受支持的签名方法（推荐 hmacsha256）。',
    ],
    [
      'サポートされていない署名方式です。',
      'clientId の signmethod は hmacmd5・hmacsha1・hmacsha256 のいずれかである必要があります。',
      'サポートされている署名方式を使ってください（hmacsha256 を推奨）。',
    ],
    'iotops',
  ),
  def(
    40004,
    ['auth'],
    [
      'Unsupported secure mode.',
      'securemode must be 2 (TLS) or 3 (plain TCP); other modes such as dynamic registration (-2) are not supported.',
      'Connect with securemode=2 over TLS or securemode=3 over TCP, using per-device credentials.',
    ],
    [
      '不支持的安全模式。',
      'securemode 只能是 2（TLS）或 3（TCP 明文）；动态注册（-2）等其他模式不受支持。',
      '使用一机一密凭证，以 securemode=2（TLS）或 securemode=3（TCP）连接。',
    ],
    [
      'サポートされていないセキュアモードです。',
      'securemode は 2（TLS）または 3（平文 TCP）のみ対応し、動的登録（-2）などは未対応です。',
      'デバイス固有の証明書で securemode=2（TLS）または 3（TCP）で接続してください。',
    ],
    'iotops',
  ),
]

const BY_CODE: ReadonlyMap<number, CodeEntry> = new Map(ENTRIES.map((e) => [e.code, e]))

/** Every catalogued entry, in table order. */
export const CODE_CATALOGUE: readonly CodeEntry[] = ENTRIES

export function getCodeEntry(code: number): CodeEntry | undefined {
  return BY_CODE.get(code)
}

export function isKnownCode(code: number): boolean {
  return BY_CODE.has(code)
}

/** The entry for `code` in one locale, or `undefined` for a code the catalogue does not know. */
export function describeCode(code: number, locale: Locale = 'en-US'): CodeDescription | undefined {
  const entry = BY_CODE.get(code)
  if (!entry) return undefined
  return {
    code: entry.code,
    category: entry.category,
    categories: entry.categories,
    source: entry.source,
    meaning: entry.meaning[locale],
    cause: entry.cause[locale],
    fix: entry.fix[locale],
  }
}

/** Short message for a code ("success" for 200), used as the default `message` of Alink replies. */
export function codeMessage(code: number, locale: Locale = 'en-US'): string {
  if (code === Codes.SUCCESS) return 'success'
  return BY_CODE.get(code)?.meaning[locale] ?? `error ${code}`
}
