/**
 * Which files audit finds when none are named (src/audit/discover.ts): git's list inside a work
 * tree (so .gitignore holds), a walk of the folder outside one, and git not started at all where
 * no `.git` says it could answer. Real git and real folders; only `which` and `exec` are watched.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listFiles, mayBeInGitWorkTree } from '../../src/audit/discover.js';
import { createNodeIo, type Io } from '../../src/io.js';
import { tmpDir } from '../helpers/tmp-dir.js';

/** This process's environment without git's variables (an empty GIT_DIR would mislead git). */
function withoutGitVariables(): Record<string, string | undefined> {
  const { GIT_DIR: _dir, GIT_WORK_TREE: _tree, ...env } = process.env;
  return env;
}

/** The machine's Io, recording the programs looked up and run. */
function watchedIo(env: Record<string, string | undefined> = withoutGitVariables()): {
  io: Io;
  asked: string[];
} {
  const base = createNodeIo(env);
  const asked: string[] = [];
  return {
    asked,
    io: {
      ...base,
      which: (program) => {
        asked.push(`which ${program}`);
        return base.which(program);
      },
      exec: (file, args, options) => {
        asked.push(`exec ${[file, ...args].join(' ')}`);
        return base.exec(file, args, options);
      },
    },
  };
}

const FILES = {
  Dockerfile: 'FROM debian:12\n',
  'envs/a/environment.yml': 'name: a\ndependencies: [python=3.11]\n',
  'ignored/Dockerfile': 'FROM debian:12\n',
  '.gitignore': 'ignored/\n',
};

describe('listFiles', () => {
  it('outside any git work tree: walks the folder and never starts git', async () => {
    const root = tmpDir(FILES);
    const { io, asked } = watchedIo(withoutGitVariables());
    expect(await mayBeInGitWorkTree(io, root)).toBe(false);
    expect((await listFiles(io, root)).sort()).toEqual(
      ['.gitignore', 'Dockerfile', 'envs/a/environment.yml', 'ignored/Dockerfile'].sort(),
    );
    expect(asked).toEqual([]);
  });

  it('in a git work tree, also from a folder below its root: git lists, .gitignore holds', async () => {
    const root = tmpDir(FILES);
    await execa('git', ['init', '-q'], { cwd: root });
    const { io, asked } = watchedIo();
    expect((await listFiles(io, root)).sort()).toEqual(
      ['.gitignore', 'Dockerfile', 'envs/a/environment.yml'].sort(),
    );
    expect(asked.some((call) => call.startsWith('exec ') && call.includes('ls-files'))).toBe(true);
    expect(await mayBeInGitWorkTree(io, join(root, 'envs', 'a'))).toBe(true);
    expect(await listFiles(io, join(root, 'envs'))).toEqual(['a/environment.yml']);
  });

  it('a `.git` file (a worktree or a submodule) counts as much as a folder', async () => {
    // A real worktree: git writes `.git` in it as a file naming the main repository's folder.
    const main = tmpDir(FILES);
    const git = (args: string[], cwd: string) =>
      execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd });
    await git(['init', '-q'], main);
    await git(['add', '-A'], main);
    await git(['commit', '-q', '-m', 'files'], main);
    const worktree = join(tmpDir(), 'wt');
    await git(['worktree', 'add', '-q', worktree], main);
    expect(statSync(join(worktree, '.git')).isFile()).toBe(true);
    const { io, asked } = watchedIo(withoutGitVariables());
    expect(await mayBeInGitWorkTree(io, join(worktree, 'envs'))).toBe(true);
    expect((await listFiles(io, worktree)).sort()).toEqual(
      ['.gitignore', 'Dockerfile', 'envs/a/environment.yml'].sort(),
    );
    expect(asked.some((call) => call.includes('ls-files'))).toBe(true);
  });

  it('GIT_DIR or GIT_WORK_TREE set: git is asked, whatever the folders say', async () => {
    const root = tmpDir(FILES);
    mkdirSync(join(root, 'sub'));
    for (const variable of ['GIT_DIR', 'GIT_WORK_TREE']) {
      const { io } = watchedIo({ ...process.env, [variable]: join(root, 'elsewhere') });
      expect(await mayBeInGitWorkTree(io, join(root, 'sub'))).toBe(true);
    }
  });
});
