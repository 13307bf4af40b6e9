import type { NextConfig } from 'next'

const config: NextConfig = {
  // the console is served by apps/bff on the same origin as /api; nothing is fetched from elsewhere
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  transpilePackages: ['@iotops/alink', '@iotops/services'],
  images: { unoptimized: true, remotePatterns: [] },
}

export default config
