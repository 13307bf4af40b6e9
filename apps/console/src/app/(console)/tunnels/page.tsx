import { TunnelList } from '@/features/tunnels/TunnelList'

export default function TunnelsPage() {
  return <TunnelList />
}
