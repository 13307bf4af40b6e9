import { Suspense } from 'react'
import { Simulator } from '@/features/simulator/Simulator'

export default function SimulatorPage() {
  return (
    <Suspense>
      <Simulator />
    </Suspense>
  )
}
