import { readFileSync } from 'node:fs'
import type { Region } from './regions'

type Ring = number[][]
type Polys = Ring[][]
interface Shape {
  name: string
  province: string
  polys: Polys
  bbox: [number, number, number, number]
}
interface GeoFeature {
  properties: { name: string; province?: string }
  geometry: { type: string; coordinates: unknown }
}

/** The shapes are ~1 MB of JSON: read on first use (not an import, so the typechecker never infers its type). */
function load(file: string): GeoFeature[] {
  return (JSON.parse(readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8')) as { features: GeoFeature[] })
    .features
}

function shapes(features: GeoFeature[]): Shape[] {
  return features.map((f) => {
    const polys = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Polys
    const bbox: Shape['bbox'] = [Infinity, Infinity, -Infinity, -Infinity]
    for (const p of polys)
      for (const [x, y] of p[0]!) {
        bbox[0] = Math.min(bbox[0], x!)
        bbox[1] = Math.min(bbox[1], y!)
        bbox[2] = Math.max(bbox[2], x!)
        bbox[3] = Math.max(bbox[3], y!)
      }
    return { name: f.properties.name, province: f.properties.province ?? f.properties.name, polys, bbox }
  })
}

let cities: Shape[] | null = null
let provinces: Shape[] | null = null

/** Ray casting; holes (rings after the first) are subtracted. */
function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}
export function inShape(x: number, y: number, s: Pick<Shape, 'polys' | 'bbox'>): boolean {
  if (x < s.bbox[0] || x > s.bbox[2] || y < s.bbox[1] || y > s.bbox[3]) return false
  return s.polys.some((p) => inRing(x, y, p[0]!) && !p.slice(1).some((h) => inRing(x, y, h)))
}

/**
 * Province and city of a WGS-84/GCJ-02 point (the two differ by a few hundred metres: irrelevant at city level)
 * from the region shapes shipped with the app (`data/`, built by `data/build-geo.mjs`). Outside China → null.
 */
export function regionOfPoint(longitude: number, latitude: number): Region | null {
  if (!Number.isFinite(longitude) || !Number.isFinite(latitude)) return null
  cities ??= shapes(load('china-cities.json'))
  const c = cities.find((s) => inShape(longitude, latitude, s))
  if (c) return { province: c.province, city: c.name }
  provinces ??= shapes(load('china-provinces.json'))
  const p = provinces.find((s) => inShape(longitude, latitude, s))
  return p ? { province: p.name, city: null } : null
}
