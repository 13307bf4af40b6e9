import { SessionPlayer } from '@/features/remote-login/SessionPlayer'

export default async function RemoteLoginSessionPage({
  params,
  searchParams,
}: {
  params: Promise<{ sessionId: string }>
  searchParams: Promise<{ live?: string }>
}) {
  const [{ sessionId }, { live }] = await Promise.all([params, searchParams])
  return <SessionPlayer sessionId={sessionId} live={live === '1'} />
}
