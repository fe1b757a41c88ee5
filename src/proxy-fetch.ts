/**
 * undici's proxy agent and fetch, for io.ts alone (loaded on first use: most commands never go
 * through a proxy). Named imports on purpose: the bundler turns undici (CommonJS) into a chunk
 * whose only ESM export is `default`, so `(await import('undici')).EnvHttpProxyAgent` is
 * undefined in the built CLI; named imports are rewritten to reads of that default's properties.
 */
import { type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export function proxyAgent(settings: ProxySettings): Dispatcher {
  return new EnvHttpProxyAgent(settings);
}

export async function fetchThrough(
  dispatcher: Dispatcher,
  url: string,
  init?: RequestInit,
): Promise<Response> {
  const response = await undiciFetch(url, {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher,
  });
  return response as unknown as Response;
}
