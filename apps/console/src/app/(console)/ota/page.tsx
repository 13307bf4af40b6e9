import { Suspense } from 'react'
import { OtaPage } from '@/features/ota/OtaPage'

export default function Page() {
  return (
    <Suspense>
      <OtaPage />
    </Suspense>
  )
}
