import { UserList } from '@/features/settings/UserList'

export default function UsersPage() {
  return <UserList />
}
