import { Worker } from 'node:worker_threads'

/**
 * Starts a worker thread on a module of this package. Built code runs as is;
 * from TypeScript sources (tests, tsx) the worker registers tsx first, since
 * Node 20 does not pass loader hooks on to workers.
 */
export function startWorker(moduleUrl: URL, workerData: unknown): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, { workerData })

  const boot = `import('tsx/esm/api')
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}) })`

  return new Worker(boot, { eval: true, workerData })
}

/** The URL of a sibling module, with the extension this file was loaded with. */
export function siblingModule(base: string, name: string): URL {
  const extension = base.endsWith('.ts') ? '.ts' : '.js'

  return new URL(`./${name}${extension}`, base)
}
