import { Suspense } from 'react'
import { OnlineDebug } from '@/features/debug/OnlineDebug'

export default function DebugPage() {
  return (
    <Suspense>
      <OnlineDebug />
    </Suspense>
  )
}
