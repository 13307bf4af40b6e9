import type { Db, Prisma, Tx } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import type { PageOf } from '../paging'
import { skipTake } from '../paging'
import type {
  NotifyChannel,
  TCreateContactGroupInput,
  TCreateContactInput,
  TListContactGroupsInput,
  TListContactsInput,
  TUpdateContactGroupInput,
  TUpdateContactInput,
} from './schema'
import { ZCreateContactGroupInput } from './schema'

export interface ContactView {
  id: string
  name: string
  email: string | null
  phone: string | null
  createdAt: Date
  groupCount: number
}

export interface ContactGroupView {
  id: string
  name: string
  description: string | null
  webhookUrl: string | null
  dingtalkUrl: string | null
  /** the secret itself is write-only */
  hasDingtalkSecret: boolean
  console: boolean
  createdAt: Date
  contacts: { id: string; name: string; email: string | null }[]
  /** the channels an alarm to this group goes out on now */
  channels: NotifyChannel[]
}

const nameTaken = (kind: 'contact' | 'contact group', name: string) =>
  conflict(`a ${kind} named "${name}" already exists; choose another name`)

/** Two writers racing for one name: the unique index decides, and the loser gets the same clear error. */
async function uniqueName<T>(kind: 'contact' | 'contact group', name: string | undefined, fn: () => Promise<T>) {
  try {
    return await fn()
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002' && name) throw nameTaken(kind, name)
    throw e
  }
}

// ── contacts ──

export async function listContacts(db: Db, input: TListContactsInput): Promise<PageOf<ContactView>> {
  const kw = input.keyword
  const where: Prisma.ContactWhereInput = kw
    ? {
        OR: [
          { name: { contains: kw, mode: 'insensitive' } },
          { email: { contains: kw, mode: 'insensitive' } },
          { phone: { contains: kw } },
        ],
      }
    : {}
  const [rows, total] = await Promise.all([
    db.prisma.contact.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      ...skipTake(input),
      include: { _count: { select: { groups: true } } },
    }),
    db.prisma.contact.count({ where }),
  ])
  return {
    items: rows.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      phone: c.phone,
      createdAt: c.createdAt,
      groupCount: c._count.groups,
    })),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export async function createContact(db: Db, actor: Actor, input: TCreateContactInput) {
  if (await db.prisma.contact.findUnique({ where: { name: input.name } })) throw nameTaken('contact', input.name)
  return uniqueName('contact', input.name, () =>
    db.prisma.$transaction(async (tx) => {
      const c = await tx.contact.create({
        data: { name: input.name, email: input.email ?? null, phone: input.phone ?? null },
      })
      await audit(tx, actor, 'CreateContact', { type: 'contact', id: c.id }, { name: c.name })
      return c
    }),
  )
}

export async function updateContact(db: Db, actor: Actor, input: TUpdateContactInput) {
  const c = await db.prisma.contact.findUnique({ where: { id: input.id } })
  if (!c) throw notFound('the contact')
  if (input.name !== undefined && input.name !== c.name) {
    if (await db.prisma.contact.findUnique({ where: { name: input.name } })) throw nameTaken('contact', input.name)
  }
  return uniqueName('contact', input.name, () =>
    db.prisma.$transaction(async (tx) => {
      const u = await tx.contact.update({
        where: { id: c.id },
        data: { name: input.name, email: input.email, phone: input.phone },
      })
      await audit(tx, actor, 'UpdateContact', { type: 'contact', id: c.id }, { name: u.name })
      return u
    }),
  )
}

/** Deletes a contact; refused when it is the only way a group still reaches anyone (the group would be mute). */
export async function deleteContact(db: Db, actor: Actor, id: string) {
  const c = await db.prisma.contact.findUnique({ where: { id }, include: { groups: true } })
  if (!c) throw notFound('the contact')
  await db.prisma.$transaction(async (tx) => {
    await tx.contact.delete({ where: { id } })
    for (const m of c.groups) {
      const g = await loadGroup(tx, m.groupId)
      if (g && channelsOf(g).length === 0) {
        throw new AppError(
          'PRECONDITION_FAILED',
          `"${c.name}" is the only e-mail recipient of the contact group "${g.name}", which has no other channel; add another channel or contact to the group first`,
        )
      }
    }
    await audit(tx, actor, 'DeleteContact', { type: 'contact', id }, { name: c.name })
  })
}

// ── contact groups ──

type GroupRow = Prisma.ContactGroupGetPayload<{ include: { members: { include: { contact: true } } } }>

function loadGroup(tx: Tx, id: string) {
  return tx.contactGroup.findUnique({ where: { id }, include: { members: { include: { contact: true } } } })
}

/** The channels a group sends on: e-mail when a member has an address, webhook, DingTalk, the console inbox. */
export function channelsOf(g: {
  webhookUrl: string | null
  dingtalkUrl: string | null
  console: boolean
  members: { contact: { email: string | null } }[]
}): NotifyChannel[] {
  const out: NotifyChannel[] = []
  if (g.members.some((m) => m.contact.email)) out.push('email')
  if (g.webhookUrl) out.push('webhook')
  if (g.dingtalkUrl) out.push('dingtalk')
  if (g.console) out.push('console')
  return out
}

function groupView(g: GroupRow): ContactGroupView {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    webhookUrl: g.webhookUrl,
    dingtalkUrl: g.dingtalkUrl,
    hasDingtalkSecret: !!g.dingtalkSecret,
    console: g.console,
    createdAt: g.createdAt,
    contacts: g.members
      .map((m) => ({ id: m.contact.id, name: m.contact.name, email: m.contact.email }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    channels: channelsOf(g),
  }
}

export async function listContactGroups(db: Db, input: TListContactGroupsInput): Promise<PageOf<ContactGroupView>> {
  const where: Prisma.ContactGroupWhereInput = input.keyword
    ? { name: { contains: input.keyword, mode: 'insensitive' } }
    : {}
  const [rows, total] = await Promise.all([
    db.prisma.contactGroup.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      ...skipTake(input),
      include: { members: { include: { contact: true } } },
    }),
    db.prisma.contactGroup.count({ where }),
  ])
  return { items: rows.map(groupView), total, page: input.page, pageSize: input.pageSize }
}

export async function getContactGroup(db: Db, id: string): Promise<ContactGroupView> {
  const g = await loadGroup(db.prisma, id)
  if (!g) throw notFound('the contact group')
  return groupView(g)
}

async function requireContacts(tx: Tx, ids: string[]) {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return unique
  const found = await tx.contact.findMany({ where: { id: { in: unique } }, select: { id: true } })
  if (found.length !== unique.length) throw badRequest('some of the chosen contacts no longer exist; reload and retry')
  return unique
}

const NO_CHANNEL =
  'a contact group needs at least one channel: a contact with an e-mail address, a webhook URL, a DingTalk robot or the console inbox'

export async function createContactGroup(
  db: Db,
  actor: Actor,
  raw: TCreateContactGroupInput,
): Promise<ContactGroupView> {
  const input = ZCreateContactGroupInput.parse(raw)
  if (await db.prisma.contactGroup.findUnique({ where: { name: input.name } }))
    throw nameTaken('contact group', input.name)
  if (input.dingtalkSecret && !input.dingtalkUrl) throw badRequest('a DingTalk secret needs a DingTalk robot URL')
  return uniqueName('contact group', input.name, () =>
    db.prisma.$transaction(async (tx) => {
      const contactIds = await requireContacts(tx, input.contactIds)
      const g = await tx.contactGroup.create({
        data: {
          name: input.name,
          description: input.description ?? null,
          webhookUrl: input.webhookUrl ?? null,
          dingtalkUrl: input.dingtalkUrl ?? null,
          dingtalkSecret: input.dingtalkSecret ?? null,
          console: input.console,
          members: { create: contactIds.map((contactId) => ({ contactId })) },
        },
      })
      const full = (await loadGroup(tx, g.id))!
      if (channelsOf(full).length === 0) throw badRequest(NO_CHANNEL)
      await audit(tx, actor, 'CreateContactGroup', { type: 'contactGroup', id: g.id }, auditDetail(full))
      return groupView(full)
    }),
  )
}

export async function updateContactGroup(
  db: Db,
  actor: Actor,
  input: TUpdateContactGroupInput,
): Promise<ContactGroupView> {
  const g = await db.prisma.contactGroup.findUnique({ where: { id: input.id } })
  if (!g) throw notFound('the contact group')
  if (input.name !== undefined && input.name !== g.name) {
    if (await db.prisma.contactGroup.findUnique({ where: { name: input.name } }))
      throw nameTaken('contact group', input.name)
  }
  // blank keeps the stored secret; null removes it; a URL removal removes its secret too
  const dingtalkUrl = input.dingtalkUrl === undefined ? g.dingtalkUrl : input.dingtalkUrl
  let dingtalkSecret =
    input.dingtalkSecret === undefined || input.dingtalkSecret === '' ? g.dingtalkSecret : input.dingtalkSecret
  if (!dingtalkUrl) {
    if (input.dingtalkSecret) throw badRequest('a DingTalk secret needs a DingTalk robot URL')
    dingtalkSecret = null
  }
  return uniqueName('contact group', input.name, () =>
    db.prisma.$transaction(async (tx) => {
      if (input.contactIds) {
        const ids = await requireContacts(tx, input.contactIds)
        await tx.contactGroupMember.deleteMany({ where: { groupId: g.id } })
        await tx.contactGroupMember.createMany({ data: ids.map((contactId) => ({ groupId: g.id, contactId })) })
      }
      await tx.contactGroup.update({
        where: { id: g.id },
        data: {
          name: input.name,
          description: input.description,
          webhookUrl: input.webhookUrl,
          dingtalkUrl,
          dingtalkSecret,
          console: input.console,
        },
      })
      const full = (await loadGroup(tx, g.id))!
      if (channelsOf(full).length === 0) throw badRequest(NO_CHANNEL)
      await audit(
        tx,
        actor,
        'UpdateContactGroup',
        { type: 'contactGroup', id: g.id },
        {
          ...auditDetail(full),
          secretChanged: dingtalkSecret !== g.dingtalkSecret,
        },
      )
      return groupView(full)
    }),
  )
}

export async function deleteContactGroup(db: Db, actor: Actor, id: string) {
  const g = await db.prisma.contactGroup.findUnique({ where: { id } })
  if (!g) throw notFound('the contact group')
  await db.prisma.$transaction(async (tx) => {
    await tx.contactGroup.delete({ where: { id } })
    await audit(tx, actor, 'DeleteContactGroup', { type: 'contactGroup', id }, { name: g.name })
  })
}

/** What the audit log keeps of a group: never the secret, never a URL (robot URLs carry access tokens). */
function auditDetail(g: GroupRow) {
  return { name: g.name, channels: channelsOf(g), contacts: g.members.length }
}
