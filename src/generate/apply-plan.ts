/**
 * Brings the files on disk in line with a plan, or (check mode) only says how they differ.
 * A file is written only when its content changes, atomically, and never over a hand edit
 * unless forced: the seal in each file's header tells envgen's own output from a person's.
 */
import { join } from 'node:path';
import type { Io } from '../io.js';
import type { PlannedFile } from '../render/plan.js';
import { sealState } from '../render/seal.js';

export type FileStatus = 'created' | 'updated' | 'unchanged' | 'missing' | 'stale' | 'edited';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  /** Whether envgen wrote the file in this run. */
  written: boolean;
}

export interface ApplyOptions {
  /** Write nothing; report missing / stale / edited. */
  check: boolean;
  /** Overwrite files edited by hand. */
  force: boolean;
}

export async function applyPlan(
  io: Io,
  root: string,
  plan: readonly PlannedFile[],
  options: ApplyOptions,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of plan) {
    const target = join(root, file.path);
    const existing = await readIfExists(io, target);
    const status = statusOf(file.content, existing, options);
    const write = !options.check && (status === 'created' || status === 'updated');
    if (write) await io.writeFileAtomic(target, file.content);
    outcomes.push({ path: file.path, status, written: write });
  }
  return outcomes;
}

function statusOf(content: string, existing: string | null, options: ApplyOptions): FileStatus {
  if (existing === null) return options.check ? 'missing' : 'created';
  if (existing === content) return 'unchanged';
  const intact = sealState(existing) === 'intact';
  if (options.check) return intact ? 'stale' : 'edited';
  return intact || options.force ? 'updated' : 'edited';
}

async function readIfExists(io: Io, path: string): Promise<string | null> {
  try {
    return (await io.readFile(path)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
