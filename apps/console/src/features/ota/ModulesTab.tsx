'use client'

import { PlusOutlined } from '@ant-design/icons'
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Empty, Flex, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ZOtaModuleAlias, ZOtaModuleDescription, ZOtaModuleName } from './rules'

type ModuleRow = RouterOutputs['ota']['modules'][number]
interface ModuleValues {
  name: string
  alias?: string
  description?: string
}

/** Create or edit an OTA module of a product; the name cannot change once created (ref §8.2.1). */
export function ModuleModal({
  productKey,
  editing,
  open,
  onClose,
  onCreated,
}: {
  productKey: string
  editing?: ModuleRow
  open: boolean
  onClose: () => void
  onCreated?: (name: string) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async (name: string) => {
    message.success(editing ? t('common.saved') : t('ota.modules.created', { name }))
    await queryClient.invalidateQueries({ queryKey: trpc.ota.modules.queryKey({ productKey }) })
    onCreated?.(name)
    onClose()
  }
  const create = useMutation(trpc.ota.createModule.mutationOptions({ onSuccess: (m) => done(m.name) }))
  const update = useMutation(trpc.ota.updateModule.mutationOptions({ onSuccess: (m) => done(m.name) }))
  const mutation = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<ModuleValues>
      open={open}
      title={editing ? t('ota.modules.editTitle') : t('ota.modules.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={mutation.isPending}
      error={mutation.error}
      initialValues={
        editing ? { name: editing.name, alias: editing.alias ?? '', description: editing.description ?? '' } : undefined
      }
      onCancel={close}
      onFinish={(values) => {
        const v = withoutEmpty(values)
        if (editing) update.mutate({ productKey, name: editing.name, alias: v.alias, description: v.description })
        else create.mutate({ productKey, ...v })
      }}
    >
      <Form.Item label={t('ota.fields.product')}>
        <Typography.Text className="mono">{productKey}</Typography.Text>
      </Form.Item>
      <Form.Item
        name="name"
        label={t('ota.modules.name')}
        required
        tooltip={t('ota.rules.moduleName')}
        rules={[zodRule(ZOtaModuleName, t('ota.rules.moduleName'))]}
      >
        <Input maxLength={64} showCount disabled={!!editing} autoFocus={!editing} />
      </Form.Item>
      <Form.Item
        name="alias"
        label={t('ota.modules.alias')}
        tooltip={t('ota.rules.moduleAlias')}
        rules={[zodRule(ZOtaModuleAlias.optional(), t('ota.rules.moduleAlias'))]}
      >
        <Input maxLength={64} showCount />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('common.description')}
        rules={[zodRule(ZOtaModuleDescription.optional(), t('ota.rules.moduleDescription'))]}
      >
        <Input.TextArea rows={3} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}

/** The modules tab: per product, the default module (the whole firmware) and custom modules. */
export function ModulesTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [productKey, setProductKey] = useState<string>()
  const [modal, setModal] = useState<ModuleRow | 'new' | null>(null)
  const list = useQuery(trpc.ota.modules.queryOptions(productKey ? { productKey } : skipToken))
  const remove = useMutation(
    trpc.ota.deleteModule.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.modules.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )

  return (
    <>
      <Flex justify="space-between" gap={8} style={{ marginBottom: 12 }} wrap>
        <ProductSelect value={productKey} onChange={setProductKey} placeholder={t('ota.modules.pickProduct')} />
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} disabled={!productKey} onClick={() => setModal('new')}>
            {t('ota.modules.add')}
          </Button>
        ) : null}
      </Flex>
      {!productKey ? (
        <Empty description={t('ota.modules.pickProductHint')} />
      ) : list.error ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <Table<ModuleRow>
          rowKey="name"
          loading={list.isPending}
          dataSource={list.data ?? []}
          pagination={false}
          columns={[
            {
              title: t('ota.modules.name'),
              dataIndex: 'name',
              render: (n: string) => (
                <Space>
                  <Typography.Text className="mono">{n}</Typography.Text>
                  {n === 'default' ? <Tag>{t('ota.modules.defaultTag')}</Tag> : null}
                </Space>
              ),
            },
            { title: t('ota.modules.alias'), dataIndex: 'alias', render: (a?: string | null) => a || '-' },
            {
              title: t('common.description'),
              dataIndex: 'description',
              render: (d: string | null | undefined, r) =>
                r.name === 'default' && !d ? t('ota.modules.defaultDescription') : d || '-',
            },
            { title: t('ota.modules.packages'), dataIndex: 'firmwareCount' },
            {
              title: t('common.createdAt'),
              dataIndex: 'createdAt',
              render: (v: Date | null | undefined) => <TimeText value={v} />,
            },
            ...(writable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, r: ModuleRow) =>
                      r.builtIn ? (
                        <Typography.Text type="secondary">{t('ota.modules.builtIn')}</Typography.Text>
                      ) : (
                        <Space>
                          <Typography.Link onClick={() => setModal(r)}>{t('common.edit')}</Typography.Link>
                          <Popconfirm
                            title={t('ota.modules.deleteConfirm', { name: r.name })}
                            description={t('ota.modules.deleteHint')}
                            okText={t('common.delete')}
                            cancelText={t('common.cancel')}
                            okButtonProps={{ danger: true }}
                            onConfirm={() => remove.mutateAsync({ productKey, name: r.name }).catch(() => {})}
                          >
                            <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                          </Popconfirm>
                        </Space>
                      ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {productKey ? (
        <ModuleModal
          productKey={productKey}
          open={modal !== null}
          editing={modal && modal !== 'new' ? modal : undefined}
          onClose={() => setModal(null)}
        />
      ) : null}
    </>
  )
}
