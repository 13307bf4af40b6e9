import { ApiKeyList } from '@/features/settings/ApiKeyList'

export default function ApiKeysPage() {
  return <ApiKeyList />
}
