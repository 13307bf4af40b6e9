import { Suspense } from 'react'
import { PackageDetail } from '@/features/ota/PackageDetail'

export default async function PackagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  return (
    <Suspense>
      <PackageDetail id={decodeURIComponent(id)} />
    </Suspense>
  )
}
