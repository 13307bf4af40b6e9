import { TunnelDetail } from '@/features/tunnels/TunnelDetail'

export default async function TunnelPage({ params }: { params: Promise<{ tunnelId: string }> }) {
  const { tunnelId } = await params
  return <TunnelDetail tunnelId={decodeURIComponent(tunnelId)} />
}
