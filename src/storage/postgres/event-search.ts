import type { EventSearch, SearchMatch } from '../event-search.js'
import { raw, sql } from '../sql.js'

/**
 * A tsvector column generated from the searched columns, with a GIN index
 * (migration 0004): PostgreSQL keeps it in step, so refresh and remove have
 * nothing to do.
 */
export class PostgresEventSearch implements EventSearch {
  match(words: readonly string[]): SearchMatch {
    // plainto_tsquery reads plain words only: no operator in them has a meaning.
    const query = sql`plainto_tsquery('simple', ${words.join(' ')})`

    return {
      from: sql`CROSS JOIN ${query} AS fts_query`,
      where: raw('events.search @@ fts_query'),
      relevance: raw('ts_rank(events.search, fts_query)'),
    }
  }

  refresh(): Promise<void> {
    return Promise.resolve()
  }

  remove(): Promise<void> {
    return Promise.resolve()
  }
}
