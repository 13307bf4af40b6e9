import type { Db } from '@iotops/db'

const DAY = 86_400_000

/** How long the monitoring tables that are not day-partitioned keep their rows, in days. */
export const MONITORING_RETENTION_DAYS = {
  /** day rankings: the ops dashboard's 30-day trend plus a margin */
  daily_rank: 35,
  alarm_history: 90,
  /** delivered (or folded, or given-up) notifications; pending ones are never dropped */
  notification: 30,
  device_network_status: 30,
} as const

/** Deletes what is past retention; returns the rows removed per table. */
export async function pruneMonitoring(db: Db, now = Date.now()): Promise<Record<string, number>> {
  const before = (days: number) => new Date(now - days * DAY)
  const r = MONITORING_RETENTION_DAYS
  const [ranks, history, notices, network] = await Promise.all([
    db.pool.query('DELETE FROM daily_rank WHERE day < $1::date', [before(r.daily_rank)]),
    db.pool.query('DELETE FROM alarm_history WHERE at < $1', [before(r.alarm_history)]),
    db.pool.query(`DELETE FROM notification WHERE created_at < $1 AND status <> 'PENDING'`, [before(r.notification)]),
    db.pool.query('DELETE FROM device_network_status WHERE reported_at < $1', [before(r.device_network_status)]),
  ])
  return {
    daily_rank: ranks.rowCount ?? 0,
    alarm_history: history.rowCount ?? 0,
    notification: notices.rowCount ?? 0,
    device_network_status: network.rowCount ?? 0,
  }
}
