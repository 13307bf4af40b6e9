/**
 * The forwarding rules' SQL: `SELECT <expr [AS name]>, … | * FROM "<topic filter>" [WHERE <cond>]`, parsed once on
 * save (a 9307 error with the position when it does not parse or names an unknown function) and evaluated per
 * message. Pure: no I/O, safe in the browser (the console checks a statement before sending it).
 *
 * Expressions: JSON paths (`items.temperature.value`, `a.b[0]`, `` `odd-name`.x ``), numbers, 'strings',
 * true/false/null, + - * / %, = != <> < <= > >=, AND / OR / NOT, parentheses and the functions in `FUNCTIONS`.
 * A missing path is null; null propagates through arithmetic and makes a comparison false (as in SQL).
 */

/** Reference 7.1: 9307 the SQL statement failed to parse, or a function got arguments it cannot use. */
export const SQL_ERROR = 9307

export class RuleSqlError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the statement, when the error has one */
    readonly position: number | null,
    readonly code = SQL_ERROR,
  ) {
    super(position === null ? message : `${message} (at position ${position + 1})`)
    this.name = 'RuleSqlError'
  }
}

export type Expr =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'path'; parts: (string | number)[] }
  | { k: 'call'; name: string; args: Expr[]; pos: number }
  | { k: 'bin'; op: string; l: Expr; r: Expr; pos: number }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr; pos: number }

export type SelectItem = { star: true } | { star?: false; expr: Expr; alias: string }

export interface RuleStatement {
  items: SelectItem[]
  /** the FROM topic filter as written, e.g. /a1B2c3/+/thing/event/property/post */
  topic: string
  where: Expr | null
}

/** What the functions of a statement see of the message. */
export interface RuleMessage {
  productKey: string
  deviceName: string
  /** the rule-side topic (`/{pk}/{dn}/thing/event/property/post`, without `/sys`) */
  topic: string
  messageId: string | null
  traceId?: string
  /** the message's time, ms */
  at: number
}

type Fn = { min: number; max: number; run: (args: unknown[], m: RuleMessage, pos: number) => unknown }

const str = (v: unknown) =>
  v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)
const num = (name: string, v: unknown, pos: number): number | null => {
  if (v === null || v === undefined) return null
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
  if (!Number.isFinite(n)) throw new RuleSqlError(`${name}() needs a number, got ${JSON.stringify(v)}`, pos)
  return n
}

/** Formats a time as Java's SimpleDateFormat letters the reference uses: yyyy MM dd HH mm ss SSS (UTC). */
export function formatTime(ms: number, fmt: string): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return fmt.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (t) => {
    switch (t) {
      case 'yyyy':
        return String(d.getUTCFullYear())
      case 'MM':
        return p(d.getUTCMonth() + 1)
      case 'dd':
        return p(d.getUTCDate())
      case 'HH':
        return p(d.getUTCHours())
      case 'mm':
        return p(d.getUTCMinutes())
      case 'ss':
        return p(d.getUTCSeconds())
      default:
        return p(d.getUTCMilliseconds(), 3)
    }
  })
}

/** The built-in functions (reference: function list of the rule engine's SQL), lower-case names. */
export const FUNCTIONS: Record<string, Fn> = {
  devicename: { min: 0, max: 0, run: (_a, m) => m.deviceName },
  productkey: { min: 0, max: 0, run: (_a, m) => m.productKey },
  messageid: { min: 0, max: 0, run: (_a, m) => m.messageId },
  traceid: { min: 0, max: 0, run: (_a, m) => m.traceId ?? null },
  timestamp: {
    min: 0,
    max: 1,
    run: (a, m) => (a.length === 0 || a[0] === null ? m.at : formatTime(m.at, str(a[0]) ?? '')),
  },
  topic: {
    min: 0,
    max: 1,
    run: (a, m, pos) => {
      if (a.length === 0) return m.topic
      const n = num('topic', a[0], pos)
      if (n === null) return null
      if (!Number.isInteger(n) || n < 1) throw new RuleSqlError('topic(n) needs a segment number from 1', pos)
      return m.topic.split('/').filter((s) => s !== '')[n - 1] ?? null
    },
  },
  lower: { min: 1, max: 1, run: (a) => str(a[0])?.toLowerCase() ?? null },
  upper: { min: 1, max: 1, run: (a) => str(a[0])?.toUpperCase() ?? null },
  concat: { min: 1, max: 16, run: (a) => a.map((v) => str(v) ?? '').join('') },
  length: { min: 1, max: 1, run: (a) => str(a[0])?.length ?? null },
  substring: {
    min: 2,
    max: 3,
    run: (a, _m, pos) => {
      const s = str(a[0])
      const from = num('substring', a[1], pos)
      const to = a.length > 2 ? num('substring', a[2], pos) : null
      if (s === null || from === null) return null
      return to === null ? s.substring(from) : s.substring(from, to)
    },
  },
  abs: { min: 1, max: 1, run: (a, _m, pos) => nullOr(num('abs', a[0], pos), Math.abs) },
  floor: { min: 1, max: 1, run: (a, _m, pos) => nullOr(num('floor', a[0], pos), Math.floor) },
  ceil: { min: 1, max: 1, run: (a, _m, pos) => nullOr(num('ceil', a[0], pos), Math.ceil) },
  round: {
    min: 1,
    max: 2,
    run: (a, _m, pos) => {
      const v = num('round', a[0], pos)
      const d = a.length > 1 ? (num('round', a[1], pos) ?? 0) : 0
      if (v === null) return null
      const f = 10 ** Math.max(0, Math.min(10, Math.trunc(d)))
      return Math.round(v * f) / f
    },
  },
  tonumber: { min: 1, max: 1, run: (a, _m, pos) => num('tonumber', a[0], pos) },
  tostring: { min: 1, max: 1, run: (a) => str(a[0]) },
}
const nullOr = (v: number | null, f: (n: number) => number) => (v === null ? null : f(v))

// ───────────────────────────── tokenizer ─────────────────────────────

type Tok =
  | { t: 'id'; v: string; pos: number; quoted?: boolean }
  | { t: 'num'; v: number; pos: number }
  | { t: 'str'; v: string; pos: number; dq: boolean }
  | { t: 'op'; v: string; pos: number }
  | { t: 'eof'; pos: number }

const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', '[', ']']

function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const start = i
    if (/[A-Za-z_$]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_$]/.test(src[i]!)) i++
      out.push({ t: 'id', v: src.slice(start, i), pos: start })
      continue
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9]/.test(src[i]!)) i++
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) {
        i++
        while (i < src.length && /[0-9]/.test(src[i]!)) i++
      }
      out.push({ t: 'num', v: Number(src.slice(start, i)), pos: start })
      continue
    }
    if (c === "'" || c === '"' || c === '`') {
      let v = ''
      i++
      for (;;) {
        if (i >= src.length) throw new RuleSqlError(`unterminated ${c === '`' ? 'name' : 'string'}`, start)
        if (src[i] === c) {
          if (src[i + 1] === c) {
            v += c
            i += 2
            continue
          }
          i++
          break
        }
        v += src[i]
        i++
      }
      out.push(c === '`' ? { t: 'id', v, pos: start, quoted: true } : { t: 'str', v, pos: start, dq: c === '"' })
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (!op) throw new RuleSqlError(`unexpected character ${JSON.stringify(c)}`, start)
    out.push({ t: 'op', v: op, pos: start })
    i += op.length
  }
  out.push({ t: 'eof', pos: src.length })
  return out
}

// ───────────────────────────── parser ─────────────────────────────

const KEYWORDS = new Set(['select', 'from', 'where', 'as', 'and', 'or', 'not', 'true', 'false', 'null'])

/** Parses a statement; throws `RuleSqlError` (9307) with the position of the first problem. */
export function parseRuleSql(src: string): RuleStatement {
  if (src.length > 4096) throw new RuleSqlError('the statement is longer than 4096 characters', null)
  const toks = tokenize(src)
  let p = 0
  const peek = () => toks[p]!
  const next = () => toks[p++]!
  const isKw = (t: Tok, kw: string) => t.t === 'id' && !t.quoted && t.v.toLowerCase() === kw
  const isOp = (t: Tok, op: string) => t.t === 'op' && t.v === op
  const describe = (t: Tok) =>
    t.t === 'eof' ? 'the end of the statement' : t.t === 'str' ? `'${t.v}'` : `"${String(t.v)}"`
  const fail = (what: string, t: Tok = peek()): never => {
    throw new RuleSqlError(`expected ${what}, found ${describe(t)}`, t.pos)
  }
  const expectKw = (kw: string) => (isKw(peek(), kw) ? next() : fail(kw.toUpperCase()))
  const expectOp = (op: string) => (isOp(peek(), op) ? next() : fail(`"${op}"`))

  function primary(): Expr {
    const t = peek()
    if (t.t === 'num') {
      next()
      return { k: 'lit', v: t.v }
    }
    if (t.t === 'str') {
      next()
      return { k: 'lit', v: t.v }
    }
    if (isOp(t, '(')) {
      next()
      const e = orExpr()
      expectOp(')')
      return e
    }
    if (t.t === 'id') {
      const low = t.v.toLowerCase()
      if (!t.quoted && (low === 'true' || low === 'false')) {
        next()
        return { k: 'lit', v: low === 'true' }
      }
      if (!t.quoted && low === 'null') {
        next()
        return { k: 'lit', v: null }
      }
      if (!t.quoted && KEYWORDS.has(low)) fail('a value, a field or a function')
      next()
      if (isOp(peek(), '(')) {
        const fn = FUNCTIONS[low]
        if (!fn) throw new RuleSqlError(`unknown function ${t.v}()`, t.pos)
        next()
        const args: Expr[] = []
        if (!isOp(peek(), ')')) {
          args.push(orExpr())
          while (isOp(peek(), ',')) {
            next()
            args.push(orExpr())
          }
        }
        expectOp(')')
        if (args.length < fn.min || args.length > fn.max) {
          const want = fn.min === fn.max ? `${fn.min}` : `${fn.min} to ${fn.max}`
          throw new RuleSqlError(`${t.v}() takes ${want} argument(s), got ${args.length}`, t.pos)
        }
        return { k: 'call', name: low, args, pos: t.pos }
      }
      const parts: (string | number)[] = [t.v]
      for (;;) {
        if (isOp(peek(), '.')) {
          next()
          const f = next()
          if (f.t !== 'id') fail('a field name after "."', f)
          parts.push((f as { v: string }).v)
        } else if (isOp(peek(), '[')) {
          next()
          const n = next()
          if (n.t === 'num' && Number.isInteger(n.v)) parts.push(n.v)
          else if (n.t === 'str') parts.push(n.v)
          else fail('an array index', n)
          expectOp(']')
        } else break
      }
      return { k: 'path', parts }
    }
    return fail('a value, a field or a function')
  }
  function unary(): Expr {
    const t = peek()
    if (isOp(t, '-')) {
      next()
      return { k: 'neg', e: unary(), pos: t.pos }
    }
    return primary()
  }
  const binary = (ops: string[], sub: () => Expr) => (): Expr => {
    let l = sub()
    for (;;) {
      const t = peek()
      if (t.t !== 'op' || !ops.includes(t.v)) return l
      next()
      l = { k: 'bin', op: t.v === '<>' ? '!=' : t.v, l, r: sub(), pos: t.pos }
    }
  }
  const mul = binary(['*', '/', '%'], unary)
  const add = binary(['+', '-'], mul)
  function cmp(): Expr {
    const l = add()
    const t = peek()
    if (t.t === 'op' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      next()
      return { k: 'bin', op: t.v === '<>' ? '!=' : t.v, l, r: add(), pos: t.pos }
    }
    return l
  }
  function notExpr(): Expr {
    if (isKw(peek(), 'not')) {
      next()
      return { k: 'not', e: notExpr() }
    }
    return cmp()
  }
  function andExpr(): Expr {
    let l = notExpr()
    while (isKw(peek(), 'and')) {
      const t = next()
      l = { k: 'bin', op: 'and', l, r: notExpr(), pos: t.pos }
    }
    return l
  }
  function orExpr(): Expr {
    let l = andExpr()
    while (isKw(peek(), 'or')) {
      const t = next()
      l = { k: 'bin', op: 'or', l, r: andExpr(), pos: t.pos }
    }
    return l
  }

  expectKw('select')
  const items: SelectItem[] = []
  const names = new Set<string>()
  do {
    if (items.length) next()
    if (isOp(peek(), '*')) {
      next()
      items.push({ star: true })
      continue
    }
    const start = peek()
    const expr = orExpr()
    let alias: string
    if (isKw(peek(), 'as')) {
      next()
      const a = next()
      if (a.t !== 'id' && !(a.t === 'str' && !a.dq)) fail('a column name after AS', a)
      alias = (a as { v: string }).v
    } else if (expr.k === 'path') alias = String(expr.parts[expr.parts.length - 1])
    else if (expr.k === 'call') alias = expr.name === 'devicename' ? 'deviceName' : expr.name
    else throw new RuleSqlError('give this expression a column name with AS', start.pos)
    if (names.has(alias)) throw new RuleSqlError(`the column ${alias} is selected twice`, start.pos)
    names.add(alias)
    items.push({ expr, alias })
  } while (isOp(peek(), ','))
  expectKw('from')
  const from = next()
  if (from.t !== 'str' || !from.dq) fail('the topic in double quotes after FROM', from)
  const topic = (from as { v: string }).v
  if (!topic.startsWith('/')) throw new RuleSqlError('the topic must start with "/"', from.pos)
  let where: Expr | null = null
  if (isKw(peek(), 'where')) {
    next()
    where = orExpr()
  }
  if (peek().t !== 'eof') fail('the end of the statement (or WHERE)')
  return { items, topic, where }
}

// ───────────────────────────── evaluation ─────────────────────────────

function path(root: unknown, parts: (string | number)[]): unknown {
  let v = root
  for (const p of parts) {
    if (v === null || typeof v !== 'object') return null
    v = (v as Record<string | number, unknown>)[p]
    if (v === undefined) return null
  }
  return v
}

const asNum = (v: unknown, op: string, pos: number): number => {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  throw new RuleSqlError(`operator ${op} needs numbers, got ${JSON.stringify(v)}`, pos)
}
const truthy = (v: unknown) => v === true || (typeof v === 'number' && v !== 0)

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return op === '!=' ? a !== b : false
  // a number against a numeric string compares as numbers (payload values are often strings)
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && Number.isFinite(Number(b))) b = Number(b)
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && Number.isFinite(Number(a))) a = Number(a)
  if (typeof a === 'object' || typeof b === 'object') {
    a = JSON.stringify(a)
    b = JSON.stringify(b)
  }
  switch (op) {
    case '=':
      return a === b
    case '!=':
      return a !== b
  }
  if (typeof a !== typeof b) return false
  const x = a as number | string
  const y = b as number | string
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y
}

export function evaluate(e: Expr, payload: unknown, m: RuleMessage): unknown {
  switch (e.k) {
    case 'lit':
      return e.v
    case 'path':
      return path(payload, e.parts)
    case 'call': {
      const fn = FUNCTIONS[e.name]!
      return fn.run(
        e.args.map((a) => evaluate(a, payload, m)),
        m,
        e.pos,
      )
    }
    case 'not':
      return !truthy(evaluate(e.e, payload, m))
    case 'neg': {
      const v = evaluate(e.e, payload, m)
      return v === null ? null : -asNum(v, '-', e.pos)
    }
    case 'bin': {
      if (e.op === 'and') return truthy(evaluate(e.l, payload, m)) && truthy(evaluate(e.r, payload, m))
      if (e.op === 'or') return truthy(evaluate(e.l, payload, m)) || truthy(evaluate(e.r, payload, m))
      const l = evaluate(e.l, payload, m)
      const r = evaluate(e.r, payload, m)
      if (['=', '!=', '<', '<=', '>', '>='].includes(e.op)) return compare(e.op, l, r)
      if (l === null || r === null) return null
      const a = asNum(l, e.op, e.pos)
      const b = asNum(r, e.op, e.pos)
      switch (e.op) {
        case '+':
          return a + b
        case '-':
          return a - b
        case '*':
          return a * b
        case '/':
          return b === 0 ? null : a / b
        default:
          return b === 0 ? null : a % b
      }
    }
  }
}

/**
 * Runs a statement on one message: the selected row, or null when WHERE leaves it out. Throws `RuleSqlError`
 * (9307) when a function cannot use its arguments at run time.
 */
export function runRuleSql(st: RuleStatement, payload: unknown, m: RuleMessage): Record<string, unknown> | null {
  if (st.where && !truthy(evaluate(st.where, payload, m))) return null
  const row: Record<string, unknown> = {}
  for (const it of st.items) {
    if (it.star) {
      if (payload && typeof payload === 'object' && !Array.isArray(payload)) Object.assign(row, payload)
      else row.payload = payload
    } else row[it.alias] = evaluate(it.expr, payload, m)
  }
  return row
}

/** MQTT-style match of a rule's FROM filter (`+` one level, `#` the rest) against a rule-side topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}
