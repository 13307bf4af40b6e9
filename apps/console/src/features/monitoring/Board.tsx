'use client'

import { AppstoreAddOutlined, DragOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Modal,
  Pagination,
  Row,
  Skeleton,
  Switch,
  Tooltip,
  Typography,
} from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { AddBasicModal, MAX_CARDS } from './AddBasicModal'
import { EditBasicModal } from './EditBasicModal'
import {
  type CardData,
  type CardView,
  decodeCardData,
  type MetricInfo,
  useCardTitle,
  useMetricCatalogue,
} from './labels'
import { MetricCard, RankList, useAggregationText, useChartSeries, useDimension } from './MetricCard'
import { MonitorChart } from './MonitorChart'
import { PanelEditor } from './PanelEditor'
import { PropertyCardModal } from './PropertyCardModal'
import { RangeControl, type RangeValue } from './RangeControl'
import { BOARD_MAX_DAYS, BOARD_PRESETS, hasPoints, pageOf, resolveRange, type Span, type Unit } from './series'
import { useUrlState } from './urlState'

/** Cards per board page (reference: 每页最多包含12个指标). */
export const CARDS_PER_PAGE = 12
const AUTO_REFRESH_MS = 60_000
const PRESETS = ['m30', 'h1', 'h4', 'h12', 'd1', 'd2', 'd7'] as const

/**
 * The monitoring board (reference "监控报表"): the user's metric cards over a time range, 12 to a page, with
 * dialogs to add basic and thing-model metrics, an edit-panel mode to reorder and hide cards, and auto refresh.
 * The range lives in the address (`range=h4`, or `range=custom&from=…&to=…`).
 */
export function Board() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message, modal } = App.useApp()
  const url = useUrlState()
  const catalogue = useMetricCatalogue()
  const cardTitle = useCardTitle()
  const [anchor, setAnchor] = useState(() => Date.now())
  const [auto, setAuto] = useState(false)
  const [page, setPage] = useState(1)
  const [editing, setEditing] = useState(false)
  const [adding, setAdding] = useState<'basic' | 'property' | null>(null)
  const [editCard, setEditCard] = useState<CardView | null>(null)
  const [fullscreen, setFullscreen] = useState<CardView | null>(null)

  const { kind, span } = resolveRange(
    BOARD_PRESETS,
    'h1',
    { range: url.get('range'), from: Number(url.get('from')) || undefined, to: Number(url.get('to')) || undefined },
    anchor,
    BOARD_MAX_DAYS,
  )
  const cards = useQuery(trpc.monitor.cards.queryOptions())
  const all = cards.data ?? []
  const visible = all.filter((c) => !c.hidden)
  const shown = pageOf(visible, page, CARDS_PER_PAGE)
  const ids = shown.items.map((c) => c.id)
  const data = useQuery({
    ...trpc.monitor.data.queryOptions(
      ids.length && !editing ? { range: { from: new Date(span.from), to: new Date(span.to) }, ids } : skipToken,
    ),
    placeholderData: keepPreviousData,
  })
  const byId = useMemo(() => new Map((data.data ?? []).map((d) => [d.id, decodeCardData(d)])), [data.data])

  // a preset range moves with "now" (a new query); a custom range is fetched again as it is
  const custom = kind === 'custom'
  const refresh = useCallback(() => {
    if (custom) void queryClient.invalidateQueries({ queryKey: trpc.monitor.data.pathKey() })
    else setAnchor(Date.now())
  }, [custom, queryClient, trpc])
  useEffect(() => {
    if (!auto) return
    const timer = setInterval(refresh, AUTO_REFRESH_MS)
    return () => clearInterval(timer)
  }, [auto, refresh])

  const remove = useMutation(
    trpc.monitor.deleteCard.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.monitor.cards.queryKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const confirmDelete = (card: CardView) =>
    modal.confirm({
      title: t('monitoring.card.deleteConfirm', { name: cardTitle(card) }),
      content: t('monitoring.card.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => remove.mutateAsync({ id: card.id }),
    })

  const setRange = (v: RangeValue) => {
    url.update(
      v.kind === 'custom' && v.span
        ? { range: 'custom', from: String(v.span.from), to: String(v.span.to) }
        : { range: v.kind === 'h1' ? undefined : v.kind, from: undefined, to: undefined },
    )
    setAnchor(Date.now())
  }

  if (cards.isError) return <QueryError error={cards.error} onRetry={() => void cards.refetch()} />
  const full = all.length >= MAX_CARDS
  const addButton = (which: 'basic' | 'property', icon: React.ReactNode, label: string) => (
    <Tooltip title={full ? t('monitoring.toolbar.full', { max: MAX_CARDS }) : undefined}>
      <Button icon={icon} disabled={full || editing} onClick={() => setAdding(which)}>
        {label}
      </Button>
    </Tooltip>
  )

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center">
          {addButton('basic', <PlusOutlined />, t('monitoring.toolbar.addBasic'))}
          {addButton('property', <AppstoreAddOutlined />, t('monitoring.toolbar.addProperty'))}
          <Button icon={<DragOutlined />} disabled={editing || !all.length} onClick={() => setEditing(true)}>
            {t('monitoring.toolbar.editPanel')}
          </Button>
          <Typography.Text type="secondary">
            {t('monitoring.toolbar.count', { count: all.length, max: MAX_CARDS })}
          </Typography.Text>
        </Flex>
        <Flex gap={12} wrap align="center">
          <RangeControl
            presets={PRESETS}
            maxDays={BOARD_MAX_DAYS}
            value={{ kind, span: kind === 'custom' ? span : undefined }}
            onChange={setRange}
          />
          <Flex gap={6} align="center">
            <Switch size="small" checked={auto} onChange={setAuto} aria-label={t('monitoring.toolbar.autoRefresh')} />
            <Typography.Text>{t('monitoring.toolbar.autoRefresh')}</Typography.Text>
          </Flex>
          <Tooltip title={t('monitoring.toolbar.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('monitoring.toolbar.refresh')}
              loading={data.isFetching}
              disabled={editing}
              onClick={refresh}
            />
          </Tooltip>
        </Flex>
      </Flex>

      {cards.isPending ? (
        <Row gutter={[16, 16]}>
          {[0, 1, 2].map((i) => (
            <Col key={i} xs={24} md={12} xl={8}>
              <Card size="small">
                <Skeleton active paragraph={{ rows: 6 }} />
              </Card>
            </Col>
          ))}
        </Row>
      ) : editing ? (
        <PanelEditor cards={all} catalogue={catalogue.byCode} onDone={() => setEditing(false)} />
      ) : visible.length === 0 ? (
        <Card>
          <Empty description={all.length ? t('monitoring.board.allHidden') : t('monitoring.board.empty')} />
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]}>
            {shown.items.map((card) => (
              <Col key={card.id} xs={24} md={12} xl={8}>
                <MetricCard
                  card={card}
                  info={catalogue.byCode.get(card.metric)}
                  data={byId.get(card.id)}
                  loading={!byId.has(card.id) && (data.isPending || data.isFetching)}
                  span={span}
                  now={anchor}
                  onEdit={() => setEditCard(card)}
                  onFullscreen={() => setFullscreen(card)}
                  onDelete={() => confirmDelete(card)}
                />
              </Col>
            ))}
          </Row>
          {data.isError ? (
            <Typography.Text type="danger" style={{ display: 'block', marginTop: 12 }}>
              {errorMessage(data.error, t('common.networkError'))}
            </Typography.Text>
          ) : null}
          <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 16 }}>
            <Typography.Text type="secondary">{t('monitoring.board.delay')}</Typography.Text>
            {visible.length > CARDS_PER_PAGE ? (
              <Pagination
                current={shown.page}
                pageSize={CARDS_PER_PAGE}
                total={visible.length}
                showSizeChanger={false}
                onChange={setPage}
              />
            ) : null}
          </Flex>
        </>
      )}

      <AddBasicModal open={adding === 'basic'} catalogue={catalogue.list} cards={all} onClose={() => setAdding(null)} />
      <PropertyCardModal
        open={adding === 'property' || editCard?.kind === 'property'}
        card={editCard?.kind === 'property' ? editCard : null}
        onClose={() => {
          setAdding(null)
          setEditCard(null)
        }}
      />
      <EditBasicModal
        card={editCard?.kind === 'basic' ? editCard : null}
        info={editCard ? catalogue.byCode.get(editCard.metric) : undefined}
        onClose={() => setEditCard(null)}
      />
      <FullscreenCard
        card={fullscreen}
        data={fullscreen ? byId.get(fullscreen.id) : undefined}
        span={span}
        now={anchor}
        catalogue={catalogue.byCode}
        onClose={() => setFullscreen(null)}
      />
    </>
  )
}

function FullscreenCard({
  card,
  data,
  span,
  now,
  catalogue,
  onClose,
}: {
  card: CardView | null
  data: CardData | undefined
  span: Span
  now: number
  catalogue: Map<string, MetricInfo>
  onClose: () => void
}) {
  const t = useT()
  const title = useCardTitle()
  const dimension = useDimension()
  const aggregation = useAggregationText()
  const toSeries = useChartSeries()
  const info = card ? catalogue.get(card.metric) : undefined
  const unit = (card?.unit ?? null) as Unit
  const d = data
  return (
    <Modal
      open={!!card}
      onCancel={onClose}
      footer={null}
      width="90vw"
      destroyOnHidden
      title={
        card ? (
          <div style={{ minWidth: 0, paddingRight: 24 }}>
            <Typography.Text strong ellipsis={{ tooltip: true }} style={{ display: 'block' }}>
              {title(card)}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {`${dimension(card, info)} · ${aggregation(card)}`}
            </Typography.Text>
          </div>
        ) : null
      }
    >
      {!card || !d ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : d.chart === 'rank' ? (
        d.items.length ? (
          <>
            <RankList data={d} unit={unit} />
            <Typography.Text type="secondary">{t('monitoring.card.rankDay', { day: d.day })}</Typography.Text>
          </>
        ) : (
          <Empty description={t('monitoring.card.noData')} />
        )
      ) : hasPoints(d.series) ? (
        <MonitorChart
          series={toSeries(card, d, info, span, now)}
          unit={unit}
          threshold={card.threshold}
          height="60vh"
          legend
        />
      ) : (
        <Empty description={t('monitoring.card.noData')} />
      )}
    </Modal>
  )
}
