export type { BoundKernel, DistanceKernel, KernelName } from './distance-kernel.js'
export { KERNEL_NAMES } from './distance-kernel.js'
export { FaceIndex, type FaceEntry, type FaceSearchOptions } from './face-index.js'
export {
  FACE_INDEX_ERROR_CODES,
  FaceIndexError,
  type FaceIndexErrorCode,
} from './face-index-error.js'
export { FACE_LISTS, type FaceList } from './face-list.js'
export type { FaceMatch } from './face-match.js'
export { FACE_METRICS, type FaceMetric } from './face-metric.js'
export { jsKernel } from './js-kernel.js'
export { loadFaceKernel, type LoadFaceKernelOptions } from './load-face-kernel.js'
export { MAX_DIM, type ModelSpec } from './model-spec.js'
export { naiveSearch, type NaiveRow } from './naive-search.js'
