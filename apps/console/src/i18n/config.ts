/** The locales the console speaks, the cookie that remembers the choice, and Accept-Language matching. */
export const LOCALES = ['en-US', 'zh-CN', 'ja-JP'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'en-US'
export const LOCALE_COOKIE = 'iotops_locale'
/** one year, in seconds */
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** Maps a language tag (`zh`, `zh-Hans-CN`, `ja`, `en-GB`…) to one of our locales, or null. */
export function matchLocaleTag(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase()
  if (!lower) return null
  const exact = LOCALES.find((l) => l.toLowerCase() === lower)
  if (exact) return exact
  const lang = lower.split('-')[0]
  if (lang === 'zh') return 'zh-CN'
  if (lang === 'ja') return 'ja-JP'
  if (lang === 'en') return 'en-US'
  return null
}

/** Picks the best locale from an Accept-Language header (`ja,en-US;q=0.9,zh;q=0.8`). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, index }
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const match = matchLocaleTag(tag)
    if (match) return match
  }
  return null
}

/** The locale for a request: the cookie wins, then the browser's Accept-Language, then English. */
export function resolveLocale(cookie: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie
  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE
}

export function writeLocaleCookie(locale: Locale) {
  // biome-ignore lint/suspicious/noDocumentCookie: a plain cookie the server reads on the next request is all we need
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${LOCALE_COOKIE_MAX_AGE}; samesite=lax`
}

export function readLocaleCookie(): Locale | null {
  const found = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${LOCALE_COOKIE}=`))
  const value = found?.slice(LOCALE_COOKIE.length + 1)
  return isLocale(value) ? value : null
}
