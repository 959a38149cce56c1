/**
 * How a model's encodings are compared. Euclidean is the dlib / face_recognition
 * convention (threshold 0.6 at 128 dims); cosine distance, 1 - cos, is ArcFace's.
 */
export const FACE_METRICS = ['euclidean', 'cosine'] as const

export type FaceMetric = (typeof FACE_METRICS)[number]
