/**
 * applyPlan over a temp folder: statuses (foreign, orphaned, removed), and file-system errors
 * found before anything is written (generate/path-blocked, exit 2, or generate/unwritable, exit 3).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitFor } from '../../src/cli/exit-codes.js';
import { applyPlan } from '../../src/generate/apply-plan.js';
import { createNodeIo, type Io } from '../../src/io.js';
import { UserError } from '../../src/problem.js';
import type { PlannedFile } from '../../src/render/plan.js';
import { headerFor, seal } from '../../src/render/seal.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const sealed = (model: string | null, body: string): string =>
  seal(`${headerFor('0.0.0', 'envgen.yaml', model)}\n${body}\n`);

const PLAN: PlannedFile[] = [
  { path: '.dockerignore', content: sealed(null, '.git') },
  { path: 'docker-bake.hcl', content: sealed(null, 'group "default" {}') },
  { path: 'envs/m/Dockerfile', content: sealed('m', 'FROM scratch'), owner: 'm' },
  { path: 'envs/m/environment.yml', content: sealed('m', 'name: m'), owner: 'm' },
];
const EVERY_PATH = PLAN.map((f) => f.path);

const WRITE = { check: false, force: false };
const CHECK = { check: true, force: false };

type Fault = (path: string) => string | undefined;

/** The real Io, with faults injected into reads or writes; lists the targets written. */
function faultyIo(
  dir: string,
  faults: { read?: Fault; write?: Fault } = {},
): Io & { written: string[] } {
  const base = createNodeIo();
  const targets = new Set(EVERY_PATH.map((path) => join(dir, path)));
  const written: string[] = [];
  const fail = (code: string, path: string): never => {
    throw Object.assign(new Error(`${code}: ${path}`), { code, path });
  };
  return {
    ...base,
    written,
    readFile: async (path) => {
      const code = faults.read?.(path);
      return code ? fail(code, path) : base.readFile(path);
    },
    writeFileAtomic: async (path, content) => {
      const code = faults.write?.(path);
      if (code) fail(code, path);
      await base.writeFileAtomic(path, content);
      if (targets.has(path)) written.push(path);
    },
    stageFile: async (path, content) => {
      const code = faults.write?.(path);
      if (code) fail(code, path);
      const staged = await base.stageFile(path, content);
      return {
        ...staged,
        commit: async () => {
          await staged.commit();
          if (targets.has(path)) written.push(path);
        },
      };
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const ids = (error: UserError): [string, string | undefined][] =>
  error.problems.map((p) => [p.ruleId, p.file]);

const statuses = (outcomes: { path: string; status: string }[]): Record<string, string> =>
  Object.fromEntries(outcomes.map((o) => [o.path, o.status]));

describe('applyPlan: files envgen did not write', () => {
  it('a file with no envgen seal is foreign (a .dockerignore the user keeps): kept, unless forced', async () => {
    const dir = tmpDir({ '.dockerignore': 'node_modules\n', 'docker-bake.hcl': 'target "x" {}\n' });
    const io = createNodeIo();
    const refused = statuses(await applyPlan(io, dir, PLAN, WRITE));
    expect(refused['.dockerignore']).toBe('kept');
    expect(refused['docker-bake.hcl']).toBe('foreign');
    expect(refused['envs/m/Dockerfile']).toBe('created');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n');

    expect(statuses(await applyPlan(io, dir, PLAN, CHECK))['.dockerignore']).toBe('kept');
    expect(statuses(await applyPlan(io, dir, PLAN, CHECK))['docker-bake.hcl']).toBe('foreign');

    const forced = statuses(await applyPlan(io, dir, PLAN, { check: false, force: true }));
    expect(forced['.dockerignore']).toBe('updated');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe(PLAN[0]?.content);
  });

  it('a file whose seal is broken stays edited', async () => {
    const dir = tmpDir({ '.dockerignore': `${PLAN[0]?.content}*.pt\n` });
    const io = createNodeIo();
    expect(statuses(await applyPlan(io, dir, PLAN, WRITE))['.dockerignore']).toBe('edited');
    expect(statuses(await applyPlan(io, dir, PLAN, CHECK))['.dockerignore']).toBe('edited');
  });
});

describe('applyPlan: targets that cannot be written', () => {
  it('a folder where a file goes: exit 2, nothing written', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'envs/m/Dockerfile'), { recursive: true });
    const io = faultyIo(dir);
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(2);
    expect(ids(error)).toEqual([['generate/path-blocked', 'envs/m/Dockerfile']]);
    expect(io.written).toEqual([]);
    expect(existsSync(join(dir, '.dockerignore'))).toBe(false);
    expect(existsSync(join(dir, 'envs/m/environment.yml'))).toBe(false);
  });

  it('a file where a folder goes: exit 2, each target under it reported, nothing written', async () => {
    const dir = tmpDir({ envs: 'not a folder\n' });
    const io = faultyIo(dir);
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(2);
    expect(ids(error)).toEqual([
      ['generate/path-blocked', 'envs/m/Dockerfile'],
      ['generate/path-blocked', 'envs/m/environment.yml'],
    ]);
    expect(io.written).toEqual([]);
    expect(existsSync(join(dir, '.dockerignore'))).toBe(false);
    expect(existsSync(join(dir, 'docker-bake.hcl'))).toBe(false);
  });

  it('--check cannot compare what it cannot read: exit 2', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'envs/m/Dockerfile'), { recursive: true });
    const error = await refusal(applyPlan(createNodeIo(), dir, PLAN, CHECK));
    expect(exitFor(error.problems)).toBe(2);
    expect(ids(error)).toEqual([['generate/path-blocked', 'envs/m/Dockerfile']]);
  });

  it('a folder without write permission: exit 3, nothing written', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'envs'));
    const io = faultyIo(dir, {
      write: (path) => (path.startsWith(join(dir, 'envs')) ? 'EACCES' : undefined),
    });
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(3);
    expect(ids(error)).toEqual([
      ['generate/unwritable', 'envs/m/Dockerfile'],
      ['generate/unwritable', 'envs/m/environment.yml'],
    ]);
    expect(io.written).toEqual([]);
    expect(readdirSync(dir)).toEqual(['envs']);
    expect(readdirSync(join(dir, 'envs'))).toEqual([]);
  });

  it('a read-only file system: exit 3, every target reported', async () => {
    const dir = tmpDir();
    const io = faultyIo(dir, { write: () => 'EROFS' });
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(3);
    expect(ids(error).map(([, file]) => file)).toEqual(EVERY_PATH);
    expect(new Set(error.problems.map((p) => p.ruleId))).toEqual(new Set(['generate/unwritable']));
  });

  it('a file that cannot be read: exit 3, nothing written', async () => {
    const dir = tmpDir({ 'docker-bake.hcl': 'x\n' });
    const io = faultyIo(dir, {
      read: (path) => (path.endsWith('docker-bake.hcl') ? 'EACCES' : undefined),
    });
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(3);
    expect(ids(error)).toEqual([['generate/unwritable', 'docker-bake.hcl']]);
    expect(io.written).toEqual([]);
  });

  it('a write that fails part way (disk full) is a problem, and leaves the repository as it was', async () => {
    const dir = tmpDir({ 'docker-bake.hcl': sealed(null, 'old') });
    const io = faultyIo(dir, {
      write: (path) => (path.endsWith('Dockerfile') ? 'ENOSPC' : undefined),
    });
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(exitFor(error.problems)).toBe(3);
    expect(ids(error)).toEqual([['generate/unwritable', 'envs/m/Dockerfile']]);
    // Nothing renamed into place, no temp file left, the folder made for the model gone again.
    expect(io.written).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['docker-bake.hcl']);
    expect(readFileSync(join(dir, 'docker-bake.hcl'), 'utf8')).toBe(sealed(null, 'old'));
  });

  it('a rename that fails after others succeeded names the files that were written', async () => {
    const dir = tmpDir();
    const base = createNodeIo();
    const io: Io = {
      ...base,
      stageFile: async (path, content) => {
        const staged = await base.stageFile(path, content);
        if (!path.endsWith('environment.yml')) return staged;
        return {
          ...staged,
          commit: async () => {
            await staged.discard();
            throw Object.assign(new Error('EIO'), { code: 'EIO', path });
          },
        };
      },
    };
    const error = await refusal(applyPlan(io, dir, PLAN, WRITE));
    expect(ids(error)).toEqual([['generate/unwritable', 'envs/m/environment.yml']]);
    const written = ['.dockerignore', 'docker-bake.hcl', 'envs/m/Dockerfile'];
    expect(written.every((path) => existsSync(join(dir, path)))).toBe(true);
    for (const path of written) expect(error.problems[0]?.message).toContain(path);
    expect(readdirSync(join(dir, 'envs/m'))).toEqual(['Dockerfile']);
  });
});

describe('applyPlan: files of models no longer in the spec', () => {
  function withLeftovers(): string {
    const dir = tmpDir();
    const put = (path: string, content: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    };
    put('envs/old/Dockerfile', sealed('old', 'FROM scratch'));
    put('envs/old/environment.yml', sealed('old', 'name: old'));
    put('bundles/gone/envgen-run', sealed(null, 'exec "$@"'));
    put('envs/mine/Dockerfile', 'FROM scratch\n'); // never envgen's
    put('envs/tweaked/Dockerfile', `${sealed('tweaked', 'FROM scratch')}USER root\n`); // hand edit
    put('envs/old/notes.txt', sealed('old', 'not a file envgen writes'));
    return dir;
  }
  const ORPHANS = ['bundles/gone/envgen-run', 'envs/old/Dockerfile', 'envs/old/environment.yml'];

  it('reports sealed files outside the plan as orphaned and keeps them', async () => {
    const dir = withLeftovers();
    const options = { ...WRITE, everyPath: EVERY_PATH };
    const got = statuses(await applyPlan(createNodeIo(), dir, PLAN, options));
    expect(
      Object.entries(got)
        .filter(([, s]) => s === 'orphaned')
        .map(([p]) => p),
    ).toEqual(ORPHANS);
    expect(got['envs/mine/Dockerfile']).toBeUndefined();
    expect(got['envs/tweaked/Dockerfile']).toBeUndefined();
    for (const path of ORPHANS) expect(existsSync(join(dir, path))).toBe(true);

    const check = statuses(
      await applyPlan(createNodeIo(), dir, PLAN, { ...CHECK, everyPath: EVERY_PATH, prune: true }),
    );
    expect(ORPHANS.map((p) => check[p])).toEqual(['orphaned', 'orphaned', 'orphaned']);
    for (const path of ORPHANS) expect(existsSync(join(dir, path))).toBe(true);
  });

  it('reports the shared observe: files and a gunicorn config once no model observes', async () => {
    const dir = tmpDir();
    const put = (path: string, content: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    };
    put('envs/envgen_observe.py', sealed(null, '"""runtime module"""'));
    put('envs/envgen-observe', sealed(null, 'exec "$@"'));
    put('envs/svc/gunicorn.conf.py', sealed('svc', 'bind = "0.0.0.0:80"'));
    put('envs/notes.py', sealed(null, 'not a file envgen writes'));
    const got = statuses(
      await applyPlan(createNodeIo(), dir, PLAN, { ...WRITE, everyPath: EVERY_PATH }),
    );
    const orphaned = Object.entries(got)
      .filter(([, s]) => s === 'orphaned')
      .map(([p]) => p);
    expect(new Set(orphaned)).toEqual(
      new Set(['envs/envgen-observe', 'envs/envgen_observe.py', 'envs/svc/gunicorn.conf.py']),
    );
    expect(orphaned).toHaveLength(3);
  });

  it('a file of a model that was not selected is not an orphan', async () => {
    const dir = withLeftovers();
    const onlyShared = PLAN.filter((f) => !f.owner);
    const got = statuses(
      await applyPlan(createNodeIo(), dir, onlyShared, {
        ...WRITE,
        everyPath: [...EVERY_PATH, 'envs/old/Dockerfile', 'envs/old/environment.yml'],
      }),
    );
    expect(
      Object.entries(got)
        .filter(([, s]) => s === 'orphaned')
        .map(([p]) => p),
    ).toEqual(['bundles/gone/envgen-run']);
  });

  it('prune deletes them (and folders left empty), and nothing else', async () => {
    const dir = withLeftovers();
    const got = statuses(
      await applyPlan(createNodeIo(), dir, PLAN, { ...WRITE, everyPath: EVERY_PATH, prune: true }),
    );
    expect(ORPHANS.map((p) => got[p])).toEqual(['removed', 'removed', 'removed']);
    for (const path of ORPHANS) expect(existsSync(join(dir, path))).toBe(false);
    expect(existsSync(join(dir, 'bundles/gone'))).toBe(false);
    expect(existsSync(join(dir, 'envs/old/notes.txt'))).toBe(true);
    expect(existsSync(join(dir, 'envs/mine/Dockerfile'))).toBe(true);
    expect(existsSync(join(dir, 'envs/tweaked/Dockerfile'))).toBe(true);
  });

  it('without everyPath (init, build) nothing is scanned', async () => {
    const dir = withLeftovers();
    const got = await applyPlan(createNodeIo(), dir, PLAN, CHECK);
    expect(got.map((o) => o.path)).toEqual(EVERY_PATH);
  });
});
