import { connect } from 'node:net'

/** Whether something accepts TCP connections at host:port. */
export function isListening(
  host: string,
  port: number,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const finish = (open: boolean): void => {
      socket.destroy()
      resolve(open)
    }

    socket.setTimeout(timeoutMs, () => finish(false))
    socket.once('connect', () => finish(true))
    socket.once('error', () => finish(false))
  })
}
