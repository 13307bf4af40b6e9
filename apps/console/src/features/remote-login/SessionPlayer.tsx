'use client'

import { useQuery } from '@tanstack/react-query'
import type { Terminal } from '@xterm/xterm'
import { Alert, Button, Card, Flex, Segmented, Skeleton, Space, Tag } from 'antd'
import Link from 'next/link'
import { useEffect, useRef, useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { terminalUrl } from './SshTerminal'
import { XTerm } from './XTerm'

type CastEvent = [number, string, string]

function parse(cast: string): { width: number; height: number; events: CastEvent[] } {
  const lines = cast.split('\n').filter(Boolean)
  const header = JSON.parse(lines[0] ?? '{}') as { width?: number; height?: number }
  return {
    width: header.width ?? 80,
    height: header.height ?? 24,
    events: lines.slice(1).map((l) => JSON.parse(l) as CastEvent),
  }
}

/** Replays a recorded session (asciicast v2) in xterm, or — `live` — mirrors a running one read-only (admins). */
export function SessionPlayer({ sessionId, live }: { sessionId: string; live: boolean }) {
  const t = useT()
  return (
    <>
      <PageHeader
        title={live ? t('remoteLogin.player.liveTitle') : t('remoteLogin.player.title')}
        subtitle={sessionId}
        extra={<Link href="/remote-login">{t('remoteLogin.player.back')}</Link>}
      />
      <Card>{live ? <LiveMirror sessionId={sessionId} /> : <Replay sessionId={sessionId} />}</Card>
    </>
  )
}

function Replay({ sessionId }: { sessionId: string }) {
  const t = useT()
  const trpc = useTRPC()
  const rec = useQuery({ ...trpc.remoteLogin.recording.queryOptions({ sessionId }), retry: false })
  const term = useRef<Terminal | null>(null)
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState(2)
  const [finished, setFinished] = useState(false)
  const pos = useRef({ index: 0, clock: 0 })
  const parsed = rec.data ? parse(rec.data.cast) : null

  useEffect(() => {
    if (!playing || !parsed || !term.current) return
    let timer: ReturnType<typeof setTimeout>
    const step = () => {
      const p = pos.current
      const ev = parsed.events[p.index]
      if (!ev) {
        setPlaying(false)
        setFinished(true)
        return
      }
      // long pauses are shortened to 1 s, as asciinema's idle limit does
      const wait = Math.min(ev[0] - p.clock, 1) / speed
      timer = setTimeout(
        () => {
          if (ev[1] === 'o') term.current?.write(ev[2])
          else if (ev[1] === 'r') {
            const [c, r] = ev[2].split('x').map(Number)
            if (c && r) term.current?.resize(c, r)
          }
          p.clock = ev[0]
          p.index++
          step()
        },
        Math.max(0, wait * 1000),
      )
    }
    step()
    return () => clearTimeout(timer)
  }, [playing, parsed, speed])

  if (rec.isError) return <QueryError error={rec.error} onRetry={() => void rec.refetch()} />
  if (!rec.data || !parsed) return <Skeleton active />
  const restart = () => {
    term.current?.reset()
    term.current?.resize(parsed.width, parsed.height)
    pos.current = { index: 0, clock: 0 }
    setFinished(false)
    setPlaying(true)
  }
  const download = () => {
    const url = URL.createObjectURL(new Blob([rec.data.cast], { type: 'application/x-asciicast' }))
    const a = document.createElement('a')
    a.href = url
    a.download = rec.data.fileName
    a.click()
    URL.revokeObjectURL(url)
  }
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} align="center" wrap>
        <Button type="primary" onClick={() => (finished ? restart() : setPlaying(!playing))}>
          {playing ? t('remoteLogin.player.pause') : t('remoteLogin.player.play')}
        </Button>
        <Button onClick={restart}>{t('remoteLogin.player.restart')}</Button>
        <Space>
          <span>{t('remoteLogin.player.speed')}</span>
          <Segmented
            value={speed}
            onChange={(v) => setSpeed(v as number)}
            options={[1, 2, 4, 8].map((s) => ({ value: s, label: `${s}×` }))}
          />
        </Space>
        <Button onClick={download}>{t('remoteLogin.player.download')}</Button>
        {finished ? <Tag data-testid="replay-finished">{t('remoteLogin.player.finished')}</Tag> : null}
      </Flex>
      <div style={{ overflowX: 'auto' }}>
        <ReplayTerminal
          cols={parsed.width}
          rows={parsed.height}
          onReady={(x) => {
            term.current = x
            setPlaying(true)
          }}
        />
      </div>
    </Flex>
  )
}

/** A fixed-size terminal (the recording's size), not fitted to the box. */
function ReplayTerminal({ cols, rows, onReady }: { cols: number; rows: number; onReady: (t: Terminal) => void }) {
  return (
    <XTerm
      height={Math.min(rows * 18 + 16, 640)}
      onReady={({ term }) => {
        term.resize(cols, rows)
        term.options.disableStdin = true
        onReady(term)
      }}
      fixed
    />
  )
}

function LiveMirror({ sessionId }: { sessionId: string }) {
  const t = useT()
  const [ended, setEnded] = useState<string | null>(null)
  return (
    <Flex vertical gap={12}>
      {ended ? <Alert type="info" showIcon title={t('remoteLogin.ended')} description={ended} /> : null}
      <XTerm
        onReady={({ term }) => {
          term.options.disableStdin = true
          const ws = new WebSocket(terminalUrl())
          ws.binaryType = 'arraybuffer'
          ws.onopen = () => ws.send(JSON.stringify({ type: 'watch', sessionId }))
          ws.onmessage = (e) => {
            if (typeof e.data !== 'string') return term.write(new Uint8Array(e.data as ArrayBuffer))
            const m = JSON.parse(e.data) as { type: string; message?: string }
            if (m.type === 'error' || m.type === 'closed') setEnded(m.message ?? '')
          }
          return () => ws.close()
        }}
      />
    </Flex>
  )
}
