import { JobDetail } from '@/features/ota/JobDetail'

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  return <JobDetail id={decodeURIComponent(id)} />
}
