import type { Executor } from './engine.js'
import type { Sql } from './sql.js'

/** Most words of a search that count; the rest are ignored. */
export const MAX_SEARCH_WORDS = 16

/**
 * How one engine finds events by the words of their description, person,
 * sub_label, label and camera. Words match whole words, ignoring case.
 */
export interface EventSearch {
  /** Joins to `events` the matching rows; every word must match. */
  match(words: readonly string[]): SearchMatch
  /** Brings the index in step with these events' stored rows. */
  refresh(tx: Executor, eventIds: readonly string[]): Promise<void>
  /** Takes these events out of the index (before or after their rows go). */
  remove(tx: Executor, eventIds: readonly string[]): Promise<void>
}

/** Fragments of a query over `events` that keep the matching rows. */
export interface SearchMatch {
  /** Goes after `FROM events`. */
  from: Sql
  /** A condition on the joined rows; combined with AND. */
  where: Sql
  /** Higher for a better match, for sort relevance. */
  relevance: Sql
}

/**
 * The words of a plain-words query: runs of letters, marks and digits, as
 * both engines' tokenizers split text, so no character can act as query
 * syntax (quotes, AND, NEAR, *, :, &, |, !).
 */
export function searchWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []

  return [...new Set(words)].slice(0, MAX_SEARCH_WORDS)
}
