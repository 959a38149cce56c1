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
  /** Set when the index keeps its matches in start_time order. */
  byTime?: TimeOrderedMatch
}

/**
 * A search whose index yields its matches in start_time order (SQLite's
 * rowids), so a page sorted by time walks the index and stops after its rows
 * instead of sorting every match. The order is exact between slots and
 * arbitrary within one: a page completes the slot its last row lies in.
 */
export interface TimeOrderedMatch {
  /** Replaces `events`: the index, with events joined to it. */
  from: Sql
  /** The matching condition. */
  where: Sql
  /** The walk: newest first when descending. */
  order(descending: boolean): Sql
  /** Keeps entries that may have a start_time within [from, to]: a superset. */
  within(from: number | undefined, to: number | undefined): Sql | undefined
  /** Keeps exactly the entries in the slot of this start_time. */
  slot(startTime: number): Sql
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
