import { Suspense } from 'react'
import { ProductList } from '@/features/products/ProductList'

export default function ProductsPage() {
  return (
    <Suspense>
      <ProductList />
    </Suspense>
  )
}
