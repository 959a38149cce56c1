/** The lists a person can be on; a blacklist match is what raises an alert upstream. */
export const FACE_LISTS = ['known', 'blacklist'] as const

export type FaceList = (typeof FACE_LISTS)[number]
