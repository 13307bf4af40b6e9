import { Dashboard } from '@/features/dashboard/Dashboard'

export default function Page() {
  return <Dashboard />
}
