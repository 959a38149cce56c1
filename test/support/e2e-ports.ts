import { createServer, type AddressInfo, type Server } from 'node:net'

/** Listens on a free port of 127.0.0.1 and resolves with it. */
export function listenOn(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

/** A port nothing listens on (free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer()
  const port = await listenOn(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))

  return port
}
