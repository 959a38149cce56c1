/**
 * The slice of the WebAssembly JS API the index uses. The project's TypeScript libs
 * (ES2023 + @types/node 20) declare no WebAssembly global, and pulling in the DOM lib
 * for it would bring browser globals into a Node service, so we type what we use.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  /** Adds pages of 64 KiB; replaces `buffer`. Throws RangeError past the limit. */
  grow(pages: number): number
}

export type WasmModule = object

interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory
  Module: new (binary: Uint8Array) => WasmModule
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> }
  validate: (binary: Uint8Array) => boolean
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
