/**
 * Contacts, contact groups and the notification inbox, in the three locales; the en-US object's shape is the
 * type the others must match. Wired into the main catalogues as `notify`.
 */
export const enUS = {
  title: '',
}

type Shape = typeof enUS

export const zhCN: Shape = {
  title: '',
}

export const jaJP: Shape = {
  title: '',
}
