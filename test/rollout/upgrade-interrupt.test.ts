/**
 * Ctrl-C while gunicorn's new master starts (after USR2): the wait ends at once as a failure,
 * so the rollout puts `current` back and the old master keeps serving, instead of waiting out
 * the 30 s a new master has to start. The Io here is a stand-in: no process is signalled.
 */
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/io.js';
import { gunicornUpgrade } from '../../src/rollout/service.js';

describe('gunicornUpgrade', () => {
  it('stops waiting for the new master when interrupted, as a new-master failure', async () => {
    const signals: [number, string | number][] = [];
    const reads: string[] = [];
    const io = {
      signalProcess: (pid: number, signal: string | number) => {
        signals.push([pid, signal]);
        return true;
      },
      readDir: () => Promise.reject(new Error('no /proc here')),
      readFile: (path: string) => {
        reads.push(path);
        return Promise.reject(Object.assign(new Error('no pidfile'), { code: 'ENOENT' }));
      },
      now: () => Date.now(),
    } as unknown as Io;
    const controller = new AbortController();
    const events: { step: string; ok: boolean }[] = [];
    const outcome = await gunicornUpgrade(
      io,
      '/run/app.pid',
      4242,
      null,
      async (event) => {
        events.push(event);
        // The interrupt arrives right after USR2 was sent.
        if (event.step === 'usr2') controller.abort();
      },
      controller.signal,
    );
    expect(outcome).toMatchObject({ ok: false, failed: 'new-master' });
    expect(events.map((e) => [e.step, e.ok])).toEqual([
      ['usr2', true],
      ['new-master', false],
    ]);
    // Only USR2 reached the old master: no WINCH or TERM, nothing else stopped.
    expect(signals).toEqual([[4242, 'SIGUSR2']]);
    // It did not poll for the new master's pidfile (30 s of it) once interrupted.
    expect(reads).toEqual([]);
  });
});
