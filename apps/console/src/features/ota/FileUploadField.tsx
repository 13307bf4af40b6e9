'use client'

import { CloseOutlined, DeleteOutlined, FileOutlined, RedoOutlined, UploadOutlined } from '@ant-design/icons'
import { App, Button, Flex, List, Progress, Tooltip, Typography, Upload } from 'antd'
import { useEffect, useRef } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { formatBytes } from './labels'
import { checkFile, FILE_EXTENSIONS, OTA_MAX_FILES, OTA_MAX_TOTAL_BYTES } from './rules'
import { overallPercent } from './upload'
import { type UploadItem, useUploads } from './useUploads'

/**
 * The package's files as a form control: files upload as soon as they are chosen (chunked, resumable), each with its
 * progress bar and the overall progress above; the value is the list of uploads (the form checks they all finished).
 */
export function FileUploadField({
  id,
  onChange,
}: {
  id?: string
  value?: UploadItem[]
  onChange?: (items: UploadItem[]) => void
}) {
  const t = useT()
  const { message } = App.useApp()
  const uploads = useUploads()
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  // the form hears of the list once a file was chosen (not of the empty list on mount, which would show
  // "required" at once)
  const touched = useRef(false)
  useEffect(() => {
    if (uploads.items.length) touched.current = true
    if (touched.current) onChangeRef.current?.(uploads.items)
  }, [uploads.items])

  // files chosen together are checked against each other too
  const pending = useRef<{ name: string; size: number }[]>([])
  const accept = (file: File) => {
    const others = [...uploads.items.map((i) => ({ name: i.name, size: i.size })), ...pending.current]
    const problem = checkFile(file, others, { maxFiles: OTA_MAX_FILES, maxTotalBytes: OTA_MAX_TOTAL_BYTES })
    if (problem) {
      message.error(
        t(`ota.files.problem.${problem}`, {
          name: file.name,
          max: OTA_MAX_FILES,
          extensions: FILE_EXTENSIONS.join(' '),
        }),
      )
      return
    }
    pending.current.push({ name: file.name, size: file.size })
    queueMicrotask(() => {
      pending.current = []
    })
    uploads.add([file])
  }

  const total = overallPercent(uploads.items)
  const active = uploads.items.filter((i) => i.state !== 'canceled')

  return (
    <div id={id}>
      <Flex gap={12} align="center" wrap>
        <Upload
          multiple
          showUploadList={false}
          accept={FILE_EXTENSIONS.join(',')}
          beforeUpload={(file) => {
            accept(file)
            return false
          }}
        >
          <Button icon={<UploadOutlined />} disabled={uploads.items.length >= OTA_MAX_FILES}>
            {t('ota.files.choose')}
          </Button>
        </Upload>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('ota.files.hint', { max: OTA_MAX_FILES, extensions: FILE_EXTENSIONS.join(' ') })}
        </Typography.Text>
      </Flex>
      {active.length > 1 ? (
        <Flex align="center" gap={8} style={{ marginTop: 8 }}>
          <Typography.Text style={{ whiteSpace: 'nowrap' }}>{t('ota.files.overall')}</Typography.Text>
          <Progress percent={total} size="small" aria-label={t('ota.files.overall')} />
        </Flex>
      ) : null}
      {uploads.items.length ? (
        <List
          size="small"
          style={{ marginTop: 8 }}
          dataSource={uploads.items}
          renderItem={(item) => {
            const percent = item.size ? Math.floor((item.received / item.size) * 100) : 0
            return (
              <List.Item
                aria-label={item.name}
                actions={[
                  item.state === 'failed' ? (
                    <Tooltip key="resume" title={t('ota.files.resume')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<RedoOutlined />}
                        aria-label={t('ota.files.resumeFile', { name: item.name })}
                        onClick={() => uploads.resume(item.key)}
                      />
                    </Tooltip>
                  ) : null,
                  item.state === 'uploading' ? (
                    <Tooltip key="cancel" title={t('ota.files.cancel')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<CloseOutlined />}
                        aria-label={t('ota.files.cancelFile', { name: item.name })}
                        onClick={() => uploads.cancel(item.key)}
                      />
                    </Tooltip>
                  ) : (
                    <Tooltip key="remove" title={t('ota.files.remove')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('ota.files.removeFile', { name: item.name })}
                        onClick={() => uploads.remove(item.key)}
                      />
                    </Tooltip>
                  ),
                ]}
              >
                <Flex vertical style={{ width: '100%' }}>
                  <Flex gap={8} align="center" justify="space-between">
                    <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                      <FileOutlined /> {item.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                      {item.state === 'done'
                        ? formatBytes(item.size)
                        : `${formatBytes(item.received)} / ${formatBytes(item.size)}`}
                    </Typography.Text>
                  </Flex>
                  <Progress
                    percent={percent}
                    size="small"
                    aria-label={t('ota.files.progressOf', { name: item.name })}
                    status={
                      item.state === 'failed' || item.state === 'canceled'
                        ? 'exception'
                        : item.state === 'done'
                          ? 'success'
                          : 'active'
                    }
                  />
                  {item.state === 'failed' ? (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {t('ota.files.failed', { error: item.error ?? '' })}
                    </Typography.Text>
                  ) : item.state === 'canceled' ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('ota.files.canceled')}
                    </Typography.Text>
                  ) : null}
                </Flex>
              </List.Item>
            )
          }}
        />
      ) : null}
    </div>
  )
}
