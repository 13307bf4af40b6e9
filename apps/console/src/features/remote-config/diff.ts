/** One line of a line diff: kept (' '), only in the old text ('-'), only in the new text ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+'
  text: string
}

/** Lines compared cell by cell at most (a 64 KB configuration has a few thousand lines). */
const MAX_CELLS = 8_000_000

/**
 * A line diff of two texts by longest common subsequence (after trimming the common head and tail). Beyond
 * MAX_CELLS the middle is shown as all removed then all added, which is still correct, only less precise.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n')
  const b = after.split('\n')
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const x = a.slice(head, a.length - tail)
  const y = b.slice(head, b.length - tail)
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }))
  if (x.length * y.length > MAX_CELLS) {
    out.push(...x.map((text): DiffLine => ({ op: '-', text })), ...y.map((text): DiffLine => ({ op: '+', text })))
  } else {
    // lcs[i][j]: common lines of x[i..] and y[j..]
    const w = y.length + 1
    const lcs = new Uint32Array((x.length + 1) * w)
    for (let i = x.length - 1; i >= 0; i--)
      for (let j = y.length - 1; j >= 0; j--)
        lcs[i * w + j] =
          x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!)
    let i = 0
    let j = 0
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        out.push({ op: ' ', text: x[i]! })
        i++
        j++
      } else if (i < x.length && (j === y.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        out.push({ op: '-', text: x[i++]! })
      } else {
        out.push({ op: '+', text: y[j++]! })
      }
    }
  }
  out.push(...a.slice(a.length - tail).map((text): DiffLine => ({ op: ' ', text })))
  return out
}

/** `512 B`, `1.5 KB`: the size counter next to the editor. */
export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 2 : 1)} KB`
}
