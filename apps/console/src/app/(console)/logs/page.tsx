import { Suspense } from 'react'
import { LogService } from '@/features/logs/LogService'

export default function LogsPage() {
  return (
    <Suspense>
      <LogService />
    </Suspense>
  )
}
