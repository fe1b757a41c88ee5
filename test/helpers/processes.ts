/** Processes and ports of the tests that start real servers (gunicorn, uvicorn, envgen build). */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port nothing listens on now (127.0.0.1). */
export async function freePort(): Promise<number> {
  return await new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') done(address.port);
        else fail(new Error('no port'));
      });
    });
  });
}

/** Whether a process is alive: a killed child whose parent is gone stays a zombie until reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const status = existsSync(`/proc/${pid}/status`)
    ? readFileSync(`/proc/${pid}/status`, 'utf8')
    : '';
  return !/^State:\s+Z/m.test(status);
}
