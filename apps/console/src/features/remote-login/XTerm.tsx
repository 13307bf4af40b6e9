'use client'

import type { Terminal } from '@xterm/xterm'
import { useEffect, useRef } from 'react'
import '@xterm/xterm/css/xterm.css'

export interface XTermHandle {
  term: Terminal
  fit: () => void
}

/**
 * An xterm.js terminal filling its box (fit addon, refitted on resize). xterm touches `window`, so it is loaded in
 * the browser only; `onReady` gets the terminal once it exists, `onResize` its size after every fit.
 */
export function XTerm({
  onReady,
  onResize,
  height = 420,
  fixed = false,
}: {
  onReady: (h: XTermHandle) => unknown
  onResize?: (cols: number, rows: number) => void
  height?: number
  /** keep the terminal's own size (a replay at the recording's size) instead of fitting it to the box */
  fixed?: boolean
}) {
  const box = useRef<HTMLDivElement>(null)
  const ready = useRef(onReady)
  const resized = useRef(onResize)
  ready.current = onReady
  resized.current = onResize
  useEffect(() => {
    let disposed = false
    let cleanup: (() => void) | undefined
    let term: Terminal | undefined
    let observer: ResizeObserver | undefined
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')])
      if (disposed || !box.current) return
      term = new Terminal({
        cursorBlink: true,
        convertEol: false,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
        fontSize: 13,
        scrollback: 5000,
        theme: { background: '#141414' },
      })
      const fitAddon = new FitAddon()
      term.loadAddon(fitAddon)
      term.open(box.current)
      const fit = () => {
        if (fixed) return
        try {
          fitAddon.fit()
        } catch {
          // not laid out yet
        }
      }
      fit()
      term.onResize(({ cols, rows }) => resized.current?.(cols, rows))
      observer = new ResizeObserver(() => fit())
      observer.observe(box.current)
      const r = ready.current({ term, fit })
      if (typeof r === 'function') cleanup = r as () => void
    })()
    return () => {
      disposed = true
      observer?.disconnect()
      cleanup?.()
      term?.dispose()
    }
  }, [])
  return (
    <div
      data-testid="xterm"
      style={{ height, background: '#141414', padding: 6, borderRadius: 6, overflow: 'hidden' }}
      ref={box}
    />
  )
}
