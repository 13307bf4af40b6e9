import { Suspense } from 'react'
import { RemoteConfigPage } from '@/features/remote-config/RemoteConfigPage'

export default function Page() {
  return (
    <Suspense>
      <RemoteConfigPage />
    </Suspense>
  )
}
