import { AntdRegistry } from '@ant-design/nextjs-registry'
import type { Metadata } from 'next'
import { cookies, headers } from 'next/headers'
import type { ReactNode } from 'react'
import { LOCALE_COOKIE, resolveLocale } from '@/i18n/config'
import { CATALOGUES } from '@/i18n/translate'
import { Providers } from './providers'
import './globals.css'

export async function generateMetadata(): Promise<Metadata> {
  const locale = await requestLocale()
  return { title: CATALOGUES[locale].app.name, description: CATALOGUES[locale].app.tagline }
}

async function requestLocale() {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()])
  return resolveLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerList.get('accept-language'))
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await requestLocale()
  return (
    <html lang={locale}>
      <body>
        <AntdRegistry>
          <Providers locale={locale}>{children}</Providers>
        </AntdRegistry>
      </body>
    </html>
  )
}
