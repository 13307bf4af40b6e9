import type { NextConfig } from 'next'

/** see src/lib/node-crypto-browser.ts */
const NODE_CRYPTO_BROWSER = './src/lib/node-crypto-browser.ts'

const config: NextConfig = {
  // the console is served by apps/bff on the same origin as /api; nothing is fetched from elsewhere
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  transpilePackages: ['@iotops/ui', '@iotops/alink', '@iotops/services'],
  images: { unoptimized: true, remotePatterns: [] },
  turbopack: {
    resolveAlias: {
      'node:crypto': NODE_CRYPTO_BROWSER,
      crypto: NODE_CRYPTO_BROWSER,
    },
  },
}

export default config
