import { Suspense } from 'react'
import { DeviceList } from '@/features/devices/DeviceList'

export default function DevicesPage() {
  return (
    <Suspense>
      <DeviceList />
    </Suspense>
  )
}
