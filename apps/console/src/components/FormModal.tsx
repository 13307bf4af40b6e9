'use client'

import { Form, type FormInstance, Modal } from 'antd'
import { type ReactNode, useEffect } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { applyFieldErrors } from '@/lib/errors'
import { FormError } from './FormError'

interface FormModalProps<T> {
  open: boolean
  title: ReactNode
  okText?: ReactNode
  pending?: boolean
  /** the failed mutation's error: per-field messages go on the fields, the message above the buttons */
  error?: unknown
  initialValues?: Partial<T>
  width?: number
  form?: FormInstance<T>
  onCancel: () => void
  onFinish: (values: T) => void
  onValuesChange?: (changed: Partial<T>, all: T) => void
  children: ReactNode
}

/** A modal holding one form: OK submits it, closing throws the input away. */
export function FormModal<T extends object>(props: FormModalProps<T>) {
  const t = useT()
  const [ownForm] = Form.useForm<T>()
  const form = props.form ?? ownForm
  const { error, open } = props

  useEffect(() => {
    if (error && open) applyFieldErrors(form, error)
  }, [error, open, form])

  return (
    <Modal
      open={open}
      title={props.title}
      width={props.width}
      okText={props.okText ?? t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={props.pending}
      okButtonProps={{ htmlType: 'submit' }}
      onCancel={props.onCancel}
      destroyOnHidden
      modalRender={(dom) => (
        <Form<T>
          form={form}
          layout="vertical"
          initialValues={props.initialValues}
          onFinish={props.onFinish}
          onValuesChange={props.onValuesChange}
          clearOnDestroy
        >
          {dom}
        </Form>
      )}
    >
      {props.children}
      <FormError error={error} />
    </Modal>
  )
}
