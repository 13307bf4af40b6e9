export { cleanIp, isNonPublicIp, regionOfIp } from './ip'
export { inShape, regionOfPoint } from './point'
export { normalizeCity, normalizeProvince, type ProvinceInfo, provinces, type Region } from './regions'
export { GEO_PROPERTY, pointOf, RegionTracker } from './tracker'
