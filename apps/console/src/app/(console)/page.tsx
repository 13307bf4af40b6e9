import { Overview } from '@/features/overview/Overview'

export default function OverviewPage() {
  return <Overview />
}
