import { ForwardPage } from '@/features/forward/ForwardPage'

export default function Page() {
  return <ForwardPage />
}
