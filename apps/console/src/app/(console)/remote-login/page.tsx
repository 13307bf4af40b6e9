import { Suspense } from 'react'
import { SessionList } from '@/features/remote-login/SessionList'

export default function RemoteLoginSessionsPage() {
  return (
    <Suspense>
      <SessionList />
    </Suspense>
  )
}
