'use client'

import { HolderOutlined } from '@ant-design/icons'
import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core'
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates, useSortable } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Col, Flex, Row, Switch, Typography } from 'antd'
import { useState } from 'react'
import { FormError } from '@/components/FormError'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { type CardView, type MetricInfo, useCardTitle } from './labels'
import { useAggregationText, useDimension } from './MetricCard'
import { move } from './series'

interface Item {
  card: CardView
  hidden: boolean
}

/**
 * Edit-panel mode (reference "编辑面板"): every card as a tile to drag into a new order, each with a show/hide
 * switch; Save stores order and visibility at once, Cancel throws the changes away.
 */
export function PanelEditor({
  cards,
  catalogue,
  onDone,
}: {
  cards: readonly CardView[]
  catalogue: Map<string, MetricInfo>
  onDone: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [items, setItems] = useState<Item[]>(() => cards.map((card) => ({ card, hidden: card.hidden })))
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  )
  const save = useMutation(
    trpc.monitor.savePanel.mutationOptions({
      onSuccess: async (next) => {
        queryClient.setQueryData(trpc.monitor.cards.queryKey(), next)
        await queryClient.invalidateQueries({ queryKey: trpc.monitor.data.pathKey() })
        message.success(t('monitoring.panel.saved'))
        onDone()
      },
    }),
  )
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return
    setItems((prev) =>
      move(
        prev,
        prev.findIndex((i) => i.card.id === active.id),
        prev.findIndex((i) => i.card.id === over.id),
      ),
    )
  }

  return (
    <>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={
          <Flex justify="space-between" align="center" gap={12} wrap>
            <span>{t('monitoring.panel.hint')}</span>
            <Flex gap={8}>
              <Button onClick={onDone} disabled={save.isPending}>
                {t('common.cancel')}
              </Button>
              <Button
                type="primary"
                loading={save.isPending}
                onClick={() => save.mutate({ cards: items.map((i) => ({ id: i.card.id, hidden: i.hidden })) })}
              >
                {t('common.save')}
              </Button>
            </Flex>
          </Flex>
        }
      />
      <FormError error={save.error} />
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={items.map((i) => i.card.id)} strategy={rectSortingStrategy}>
          <Row gutter={[16, 16]}>
            {items.map((item) => (
              <Col key={item.card.id} xs={24} md={12} xl={8}>
                <Tile
                  item={item}
                  info={catalogue.get(item.card.metric)}
                  onToggle={(shown) =>
                    setItems((prev) => prev.map((i) => (i.card.id === item.card.id ? { ...i, hidden: !shown } : i)))
                  }
                />
              </Col>
            ))}
          </Row>
        </SortableContext>
      </DndContext>
    </>
  )
}

function Tile({
  item,
  info,
  onToggle,
}: {
  item: Item
  info: MetricInfo | undefined
  onToggle: (shown: boolean) => void
}) {
  const t = useT()
  const title = useCardTitle()(item.card)
  const dimension = useDimension()(item.card, info)
  const aggregation = useAggregationText()(item.card)
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: item.card.id })
  // the whole tile drags with the pointer; the keyboard drags through the handle only, so keys on the switch toggle it
  const { onKeyDown, ...pointer } = listeners ?? {}
  return (
    <div
      ref={setNodeRef}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        zIndex: isDragging ? 2 : undefined,
        position: 'relative',
        cursor: 'grab',
      }}
      {...pointer}
    >
      <Card
        size="small"
        data-testid="panel-tile"
        aria-label={title}
        role="group"
        style={{ opacity: item.hidden ? 0.55 : 1, boxShadow: isDragging ? '0 6px 16px rgba(0,0,0,0.16)' : undefined }}
      >
        <Flex gap={8} align="center">
          <Button
            type="text"
            size="small"
            icon={<HolderOutlined />}
            aria-label={t('monitoring.panel.drag', { name: title })}
            style={{ cursor: 'grab', touchAction: 'none', flex: 'none' }}
            {...attributes}
            onKeyDown={onKeyDown as React.KeyboardEventHandler<HTMLElement> | undefined}
          />
          <div style={{ flex: 1, minWidth: 0 }}>
            <Typography.Text strong ellipsis={{ tooltip: title }} style={{ display: 'block' }}>
              {title}
            </Typography.Text>
            <Typography.Text type="secondary" ellipsis={{ tooltip: true }} style={{ fontSize: 12, display: 'block' }}>
              {`${dimension} · ${aggregation}`}
            </Typography.Text>
          </div>
          <Switch
            checked={!item.hidden}
            onChange={onToggle}
            checkedChildren={t('monitoring.panel.show')}
            unCheckedChildren={t('monitoring.panel.hide')}
            aria-label={t('monitoring.panel.toggle', { name: title })}
            style={{ flex: 'none' }}
          />
        </Flex>
      </Card>
    </div>
  )
}
