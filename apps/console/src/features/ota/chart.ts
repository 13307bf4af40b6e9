/** Top `n` items, the rest merged into one "other" item (ref §8.2.5: bars show 5 items and "other"). */
export function topWithOther<T>(items: readonly T[], n: number, merge: (rest: readonly T[]) => T): T[] {
  if (items.length <= n + 1) return [...items]
  return [...items.slice(0, n), merge(items.slice(n))]
}
