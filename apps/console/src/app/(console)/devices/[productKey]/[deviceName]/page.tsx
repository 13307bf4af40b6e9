import { DeviceDetail } from '@/features/devices/detail/DeviceDetail'

export default async function DevicePage({ params }: { params: Promise<{ productKey: string; deviceName: string }> }) {
  const { productKey, deviceName } = await params
  return <DeviceDetail productKey={decodeURIComponent(productKey)} deviceName={decodeURIComponent(deviceName)} />
}
