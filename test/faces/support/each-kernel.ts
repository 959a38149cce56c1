import {
  type DistanceKernel,
  FaceIndex,
  KERNEL_NAMES,
  loadFaceKernel,
} from '../../../src/faces/index.js'

/**
 * Defines the same suite once per kernel, so the wasm kernel and its js fallback
 * must give identical answers. `fresh()` returns an empty index on that kernel.
 */
export function describeEachKernel(
  title: string,
  define: (fresh: () => FaceIndex) => void,
) {
  for (const name of KERNEL_NAMES) {
    describe(`${title} (${name} kernel)`, () => {
      let kernel: DistanceKernel | undefined

      before(async () => {
        kernel = await loadFaceKernel({ kernel: name })
      })

      define(() => {
        if (!kernel) throw new Error('kernel not loaded yet')
        return new FaceIndex(kernel)
      })
    })
  }
}
