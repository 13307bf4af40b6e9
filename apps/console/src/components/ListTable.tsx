'use client'

import { PlusOutlined } from '@ant-design/icons'
import { Button, Empty, Flex, Input, Table, type TableColumnsType, type TableProps } from 'antd'
import type { ReactNode } from 'react'
import type { usePaging } from '@/lib/usePaging'
import { QueryError } from './QueryError'

/** What a list page's query gives: one page of rows and the total (a tanstack query result fits). */
interface PageQuery<T> {
  data?: { items: T[]; total: number }
  isError: boolean
  error: unknown
  isFetching: boolean
  refetch: () => unknown
}

interface ListTableProps<T> {
  query: PageQuery<T>
  paging: ReturnType<typeof usePaging>
  columns: TableColumnsType<T>
  rowKey: TableProps<T>['rowKey']
  emptyText: ReactNode
  /** the search box: its label (also the placeholder), and what to do with the trimmed text (paging goes back to 1) */
  search?: { label: string; onSearch: (text: string) => void }
  /** more filters, after the search box */
  filters?: ReactNode
  /** the "add" button; absent for read-only users */
  add?: { label: ReactNode; onClick: () => void }
  /** other toolbar buttons, before the add button */
  actions?: ReactNode
  table?: Omit<TableProps<T>, 'columns' | 'dataSource' | 'rowKey' | 'loading' | 'pagination'>
}

/**
 * A server-paginated list: a toolbar (search and filters on the left, buttons on the right), the query's error with a
 * retry, and the table with its pagination and empty state.
 */
export function ListTable<T extends object>(props: ListTableProps<T>) {
  const { query, paging, search, add } = props
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" gap={8} wrap>
        <Flex gap={8} wrap>
          {search ? (
            <Input.Search
              aria-label={search.label}
              placeholder={search.label}
              allowClear
              style={{ width: 240 }}
              onSearch={(v) => {
                search.onSearch(v.trim())
                paging.reset()
              }}
            />
          ) : null}
          {props.filters}
        </Flex>
        <Flex gap={8} wrap>
          {props.actions}
          {add ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={add.onClick}>
              {add.label}
            </Button>
          ) : null}
        </Flex>
      </Flex>
      {query.isError ? <QueryError error={query.error} onRetry={() => query.refetch()} /> : null}
      <Table<T>
        size="middle"
        scroll={{ x: 'max-content' }}
        {...props.table}
        rowKey={props.rowKey}
        columns={props.columns}
        dataSource={query.data?.items}
        loading={query.isFetching && !query.data}
        pagination={paging.pagination(query.data?.total)}
        locale={{ emptyText: <Empty description={props.emptyText} /> }}
      />
    </Flex>
  )
}

/** What a whole-list query gives (a tanstack query result fits). */
interface ListQuery<T> {
  data?: T[]
  isError: boolean
  error: unknown
  isPending: boolean
  refetch: () => unknown
}

/** A whole list (no pagination): the query's error with a retry when it has nothing to show, else the table. */
export function QueryTable<T extends object>(props: {
  query: ListQuery<T>
  columns: TableColumnsType<T>
  rowKey: TableProps<T>['rowKey']
  emptyText: ReactNode
  table?: Omit<TableProps<T>, 'columns' | 'dataSource' | 'rowKey' | 'loading' | 'pagination'>
}) {
  const { query } = props
  if (query.isError && !query.data) return <QueryError error={query.error} onRetry={() => query.refetch()} />
  return (
    <Table<T>
      scroll={{ x: 'max-content' }}
      {...props.table}
      rowKey={props.rowKey}
      columns={props.columns}
      dataSource={query.data}
      loading={query.isPending}
      pagination={false}
      locale={{ emptyText: <Empty description={props.emptyText} /> }}
    />
  )
}
