'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { ChunkedUpload, type UploadSnapshot } from './upload'

export interface UploadItem extends UploadSnapshot {
  key: string
  name: string
}

/**
 * The files of a package being uploaded: each file starts uploading when added, with its own progress; a failed one
 * can be resumed, any can be cancelled or removed. Everything still running is cancelled when the component unmounts.
 */
export function useUploads() {
  const uploads = useRef(new Map<string, ChunkedUpload>())
  const [items, setItems] = useState<UploadItem[]>([])
  const seq = useRef(0)

  const update = useCallback((key: string, snapshot: UploadSnapshot) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...snapshot } : i)))
  }, [])

  const run = useCallback((upload: ChunkedUpload) => {
    // failures are shown on the item (state `failed` and its message); nothing else to do here
    upload.start().catch(() => {})
  }, [])

  const add = useCallback(
    (files: readonly File[]) => {
      for (const file of files) {
        seq.current += 1
        const key = `f${seq.current}`
        const upload = new ChunkedUpload(file, { onChange: (s) => update(key, s) })
        uploads.current.set(key, upload)
        setItems((list) => [...list, { key, name: file.name, ...upload.current }])
        run(upload)
      }
    },
    [run, update],
  )

  const resume = useCallback(
    (key: string) => {
      const upload = uploads.current.get(key)
      if (upload) run(upload)
    },
    [run],
  )

  const cancel = useCallback((key: string) => uploads.current.get(key)?.cancel(), [])

  const remove = useCallback((key: string) => {
    uploads.current.get(key)?.cancel()
    uploads.current.delete(key)
    setItems((list) => list.filter((i) => i.key !== key))
  }, [])

  const clear = useCallback(() => {
    for (const u of uploads.current.values()) u.cancel()
    uploads.current.clear()
    setItems([])
  }, [])

  useEffect(() => {
    const map = uploads.current
    return () => {
      for (const u of map.values()) u.cancel()
    }
  }, [])

  return { items, add, resume, cancel, remove, clear }
}
