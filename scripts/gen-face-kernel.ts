// Compiles the face kernels' WAT (src/faces/kernel-wat.ts) to WebAssembly with
// wabt and writes the binary, base64, to src/faces/kernel-wasm.ts. Compiling
// here rather than at start keeps wabt (about 27 MB resident) out of the
// running service. A test checks the committed binary matches the source.
import { writeFileSync } from 'node:fs'
import wabtInit from 'wabt'
import { KERNEL_WAT } from '../src/faces/kernel-wat.js'

const TARGET = new URL('../src/faces/kernel-wasm.ts', import.meta.url)

export async function compileKernelWat(): Promise<Uint8Array> {
  const wabt = await wabtInit()
  const parsed = wabt.parseWat('face-kernels.wat', KERNEL_WAT, { simd: true })

  try {
    parsed.validate()
    return parsed.toBinary({}).buffer
  } finally {
    parsed.destroy()
  }
}

export function renderKernelModule(binary: Uint8Array): string {
  const base64 = Buffer.from(binary).toString('base64')
  const lines = base64.match(/.{1,80}/g) ?? []

  return [
    '// Generated from src/faces/kernel-wat.ts by `npm run gen:kernel`. Do not edit.',
    '',
    '/** The face kernels as a WebAssembly binary, base64. */',
    'export const KERNEL_WASM_BASE64 = [',
    ...lines.map((line) => `  '${line}',`),
    "].join('')",
    '',
  ].join('\n')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  writeFileSync(TARGET, renderKernelModule(await compileKernelWat()))
}
