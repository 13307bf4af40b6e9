/** The address of the message-trace tab for a TraceId or a MessageId (shareable: the trace loads from it). */
export function traceHref(q: { traceId: string } | { messageId: string }): string {
  const p = new URLSearchParams({ tab: 'trace' })
  if ('traceId' in q) p.set('traceId', q.traceId)
  else p.set('messageId', q.messageId)
  return `/logs?${p.toString()}`
}
