import type { NextConfig } from 'next'

const config: NextConfig = {
  // the console is served by apps/bff on the same origin as /api; nothing is fetched from elsewhere
  poweredByHeader: false,
  reactStrictMode: true,
  // `pnpm dev` is usually opened as http://127.0.0.1:PORT; Next blocks its dev resources (hot reload, and with it
  // hydration) for origins other than localhost unless they are listed
  allowedDevOrigins: ['127.0.0.1', 'localhost', '[::1]'],
  typedRoutes: false,
  transpilePackages: ['@iotops/alink', '@iotops/device-sdk', '@iotops/services'],
  images: { unoptimized: true, remotePatterns: [] },
}

export default config
