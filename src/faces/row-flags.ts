import { FACE_LISTS, type FaceList } from './face-list.js'

/**
 * One byte per row: the high nibble holds the row's list bit always, the low nibble
 * holds it only while the person is active. A search masks the low nibble with the
 * lists it wants, so "active and on a wanted list" is a single AND in the hot loop.
 */
export function rowFlags(list: FaceList, active: boolean): number {
  const bit = 1 << FACE_LISTS.indexOf(list)

  return (bit << 4) | (active ? bit : 0)
}

export function listOfFlags(flags: number): FaceList {
  const list = FACE_LISTS[31 - Math.clz32(flags >> 4)]
  if (list === undefined) throw new RangeError(`corrupt row flags ${flags}`)

  return list
}

export function isActiveFlags(flags: number): boolean {
  return (flags & 0x0f) !== 0
}

/** The low-nibble mask a search ANDs with; every list when `lists` is omitted. */
export function searchMask(lists: readonly FaceList[] = FACE_LISTS): number {
  return lists.reduce((mask, list) => mask | (1 << FACE_LISTS.indexOf(list)), 0)
}
