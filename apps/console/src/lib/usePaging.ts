'use client'

import type { TablePaginationConfig } from 'antd'
import { useCallback, useState } from 'react'
import { useT } from '@/i18n/I18nProvider'

/** Page and page size of a server-paginated table, and the antd pagination props for it. */
export function usePaging(initialPageSize = 20) {
  const t = useT()
  const [page, setPage] = useState(1)
  const [pageSize, setPageSize] = useState(initialPageSize)
  const reset = useCallback(() => setPage(1), [])
  const pagination = (total: number | undefined): TablePaginationConfig => ({
    current: page,
    pageSize,
    total: total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal: (n) => t('common.total', { total: n }),
    onChange: (p, size) => {
      setPage(size !== pageSize ? 1 : p)
      setPageSize(size)
    },
  })
  return { page, pageSize, reset, pagination }
}
