'use client'

import { Form, Modal } from 'antd'
import { type ReactNode, useEffect, useState } from 'react'
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
  onCancel: () => void
  onFinish: (values: T) => void
  /** the form's fields; inside them `Form.useFormInstance()` / `Form.useWatch(name)` reach this form */
  children: ReactNode
}

/**
 * A modal holding one form: OK submits it, closing throws the input away. Every opening gets a new form (a fresh
 * store starting from `initialValues`), which also keeps React's strict-mode remounts from touching the values.
 */
export function FormModal<T extends object>(props: FormModalProps<T>) {
  const [generation, setGeneration] = useState(0)
  const [wasOpen, setWasOpen] = useState(props.open)
  if (props.open !== wasOpen) {
    setWasOpen(props.open)
    if (props.open) setGeneration((g) => g + 1)
  }
  return <FormModalBody<T> key={generation} {...props} />
}

function FormModalBody<T extends object>(props: FormModalProps<T>) {
  const t = useT()
  const [form] = Form.useForm<T>()
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
        <Form<T> form={form} layout="vertical" initialValues={props.initialValues} onFinish={props.onFinish}>
          {dom}
        </Form>
      )}
    >
      {props.children}
      <FormError error={error} />
    </Modal>
  )
}
