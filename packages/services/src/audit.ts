import type { Prisma, Tx } from '@iotops/db'
import type { Actor } from './context'

/** Records who did what; call inside the write verb's transaction so the change and its audit row land together. */
export async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  target: { type: string; id: string } | null,
  detail?: Prisma.InputJsonValue,
): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      action,
      targetType: target?.type,
      targetId: target?.id,
      detail,
      ip: actor.ip,
    },
  })
}
