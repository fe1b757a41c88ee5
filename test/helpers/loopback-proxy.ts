/**
 * An HTTP proxy on 127.0.0.1, as a corporate network has: CONNECT tunnels (what undici's proxy
 * agent opens, for http:// targets too) and plain forwarding of absolute-URI requests. It logs
 * the host:port of every request it carries, so a test sees whether envgen went through it.
 */
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface LoopbackProxy {
  url: string;
  /** `host:port` of each tunnel or forwarded request, in order. */
  carried: string[];
  close(): Promise<void>;
}

export async function serveProxy(): Promise<LoopbackProxy> {
  const carried: string[] = [];
  const server = createServer((request, response) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400);
      response.end();
      return;
    }
    carried.push(target.host);
    const upstream = httpRequest(
      target,
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  server.on('connect', (request, socket, head) => {
    carried.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':') as [string, string];
    // Loopback only: a test proxy is no relay to the outside.
    if (host !== '127.0.0.1') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    carried,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
