// Alarm notifications: contacts and contact groups, the durable outbox (`enqueue`), its delivery worker
// (`Notifier`: e-mail, webhook, DingTalk robot; per-destination rate limits with digests) and the console inbox.
export {
  type ContactGroupView,
  type ContactView,
  channelsOf,
  createContact,
  createContactGroup,
  deleteContact,
  deleteContactGroup,
  getContactGroup,
  listContactGroups,
  listContacts,
  updateContact,
  updateContactGroup,
} from './contacts'
export { DEFAULT_RATES, MAX_ATTEMPTS, Notifier, type NotifierOptions, scrub } from './notifier'
export {
  type AlarmNotice,
  type DeliveryView,
  deliveryStatus,
  destinationOf,
  enqueue,
  enqueueRows,
  type InboxItem,
  inboxHead,
  listInbox,
  markAllRead,
  markRead,
  type OutboxPayload,
  sendTest,
  unreadCount,
} from './outbox'
export {
  DINGTALK_TOO_FAST,
  dingtalkSign,
  dingtalkUrl,
  type OutboxMessage,
  type Plan,
  planDestination,
  renderDigest,
  renderDingtalk,
  renderEmail,
  renderWebhook,
} from './render'
export * from './schema'
