import { GroupList } from '@/features/groups/GroupList'

export default function GroupsPage() {
  return <GroupList />
}
