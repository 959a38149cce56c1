import type { Logger } from '../log/logger.js'
import type {
  FacesRepository,
  StoredEncoding,
} from '../storage/repositories/faces-repository.js'
import { encodingFromBytes } from './encoding-codec.js'
import { FaceIndexError } from './face-index-error.js'
import type { FaceIndex } from './face-index.js'
import type { FaceList } from './face-list.js'
import { specOf, type FaceModels } from './face-models.js'

export interface IndexLoaderOptions {
  index: FaceIndex
  models: FaceModels
  faces: FacesRepository
  /** Encodings read per query. */
  pageSize: number
  logger: Logger
}

/** Fills the face index from the database, and adds stored encodings to it. */
export class IndexLoader {
  readonly #o: IndexLoaderOptions

  constructor(options: IndexLoaderOptions) {
    this.#o = options
  }

  /**
   * Reserves room per model, then adds every active person's encodings of a
   * configured model, a page at a time. Returns how many were left out.
   */
  async loadActive(): Promise<number> {
    const skipped = await this.#reserve()
    let after = 0

    for (;;) {
      const page = await this.#o.faces.activeEncodingsAfter(after, this.#o.pageSize)
      for (const row of page) this.add(row, row.list)

      const last = page[page.length - 1]
      if (!last || page.length < this.#o.pageSize) return skipped
      after = last.id
    }
  }

  /** Adds a stored encoding when its model is configured with its dim; false if not. */
  add(row: StoredEncoding, list: FaceList): boolean {
    const model = this.#o.models.find(row.modelName, row.modelVersion)
    if (model?.dim !== row.dim) return false

    const entry = { encodingId: row.id, personId: row.personId, list }
    try {
      this.#o.index.add(specOf(model), entry, encodingFromBytes(row.bytes))
      return true
    } catch (error) {
      // A row valid under an earlier configuration, e.g. a zero vector now cosine.
      if (!(error instanceof FaceIndexError)) throw error
      this.#o.logger.warn({ encodingId: row.id, err: error.message }, 'encoding skipped')
      return false
    }
  }

  /** Grows each model's memory once, rather than add by add. */
  async #reserve(): Promise<number> {
    const { faces, index, models, logger } = this.#o
    let skipped = 0

    for (const count of await faces.countActiveEncodings()) {
      const model = models.find(count.modelName, count.modelVersion)
      if (model?.dim === count.dim) {
        index.reserve(specOf(model), count.count)
        continue
      }
      skipped += count.count
      logger.warn(
        { ...count, configured: model !== undefined },
        'encodings of a model not in faces.models (or of another dim) are not searched',
      )
    }

    return skipped
  }
}
