import { ProductDetail } from '@/features/products/ProductDetail'

export default async function ProductPage({ params }: { params: Promise<{ productKey: string }> }) {
  const { productKey } = await params
  return <ProductDetail productKey={decodeURIComponent(productKey)} />
}
