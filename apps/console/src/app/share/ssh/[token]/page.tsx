import { SharePage } from '@/features/remote-login/SharePage'

/** A remote-login share link's recipient page: outside the console layout, no console session needed. */
export default async function ShareSshPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params
  return <SharePage token={token} />
}
