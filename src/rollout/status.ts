/**
 * `envgen rollout --status`: for each model, the environments `current` and `previous` point
 * at, their hashes, when the model was switched to them, and whether the service answers its
 * health path on 127.0.0.1 (one request).
 */
import type { Io } from '../io.js';
import { isEnvironment, type LinkedEnvironment, readLink, rolloutPaths } from './state.js';

export interface ModelRolloutStatus {
  name: string;
  current: (LinkedEnvironment & { exists: boolean }) | null;
  previous: (LinkedEnvironment & { exists: boolean }) | null;
  /** null when the model has no serve.port and serve.health. */
  service: { url: string; answers: boolean; status: number | null } | null;
}

/** What one health request may take in `--status`. */
const STATUS_REQUEST_MS = 2000;

export async function rolloutStatus(
  io: Io,
  root: string,
  models: readonly { name: string; health: { port: number; path: string } | null }[],
): Promise<ModelRolloutStatus[]> {
  const statuses: ModelRolloutStatus[] = [];
  for (const model of models) {
    const paths = rolloutPaths(root, model.name);
    const link = async (
      path: string,
    ): Promise<(LinkedEnvironment & { exists: boolean }) | null> => {
      const linked = await readLink(io, path);
      return linked ? { ...linked, exists: await isEnvironment(io, path, linked.path) } : null;
    };
    let service: ModelRolloutStatus['service'] = null;
    if (model.health) {
      const status = await io.getLoopback(model.health.port, model.health.path, STATUS_REQUEST_MS);
      service = {
        url: `http://127.0.0.1:${model.health.port}${model.health.path}`,
        answers: status !== null && status >= 200 && status < 300,
        status,
      };
    }
    statuses.push({
      name: model.name,
      current: await link(paths.current),
      previous: await link(paths.previous),
      service,
    });
  }
  return statuses;
}
