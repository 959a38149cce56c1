import { StartupError } from '../errors.js'
import type { Config } from '../config/load-config.js'
import { FaceDirectoryError } from './face-directory-error.js'
import type { ModelSpec } from './model-spec.js'

/** One entry of faces.models: a model spec with its default threshold. */
export type FaceModel = Config['faces']['models'][number]

/**
 * The configured face models. An encoding is stored and searched only under a
 * model listed here, so a typo in a model name is refused, not a new matrix.
 */
export class FaceModels {
  readonly #byKey: Map<string, FaceModel>

  constructor(models: readonly FaceModel[]) {
    this.#byKey = new Map(models.map((m) => [keyOf(m.name, m.version), m]))
  }

  /** Refuses a list where two entries share a name and version. */
  static from(models: readonly FaceModel[]): FaceModels {
    const seen = new Set<string>()

    for (const model of models) {
      const key = keyOf(model.name, model.version)
      if (seen.has(key)) {
        throw new StartupError(
          'CONFIG_INVALID',
          `faces.models lists ${model.name}@${model.version} twice`,
          'keep one entry per model name and version in faces.models',
        )
      }
      seen.add(key)
    }

    return new FaceModels(models)
  }

  get all(): FaceModel[] {
    return [...this.#byKey.values()]
  }

  /** The configured model, or undefined; for rows read from the database. */
  find(name: string, version: string): FaceModel | undefined {
    return this.#byKey.get(keyOf(name, version))
  }

  /**
   * The model a request names. Without a version the name must be configured
   * once, so the answer never depends on the order of faces.models.
   */
  resolve(name: string, version: string | undefined): FaceModel {
    const model =
      version === undefined ? this.#onlyVersion(name) : this.find(name, version)
    if (model) return model

    const known = this.all.map((m) => `${m.name}@${m.version}`).join(', ')
    const asked = version === undefined ? name : `${name}@${version}`
    throw new FaceDirectoryError(
      'FACE_UNKNOWN_MODEL',
      `model ${asked} is not configured (faces.models: ${known || 'none'})`,
      version === undefined ? 'model' : 'model_version',
    )
  }

  #onlyVersion(name: string): FaceModel | undefined {
    const versions = this.all.filter((m) => m.name === name)
    if (versions.length <= 1) return versions[0]

    const listed = versions.map((m) => m.version).join(', ')
    throw new FaceDirectoryError(
      'FACE_UNKNOWN_MODEL',
      `model ${name} has several versions (${listed}); give model_version`,
      'model_version',
    )
  }
}

export function specOf(model: FaceModel): ModelSpec {
  return {
    name: model.name,
    version: model.version,
    dim: model.dim,
    metric: model.metric,
  }
}

/**
 * 1 at distance 0, 0.5 at the model's configured threshold, 0 at twice it.
 * Tied to the configured threshold, not the request's, so the same face gets
 * the same confidence whatever threshold a caller asks with.
 */
export function confidenceOf(model: FaceModel, distance: number): number {
  return Math.max(0, Math.min(1, 1 - distance / (2 * model.threshold)))
}

function keyOf(name: string, version: string): string {
  return `${name.length}:${name}@${version}`
}
