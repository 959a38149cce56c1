import { cosineRule } from './cosine-rule.js'
import { euclideanRule } from './euclidean-rule.js'
import type { FaceMetric } from './face-metric.js'
import type { MetricRule } from './metric-rule.js'

export const METRIC_RULES: Record<FaceMetric, MetricRule> = {
  euclidean: euclideanRule,
  cosine: cosineRule,
}
