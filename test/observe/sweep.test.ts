/**
 * The sweep of envgen_observe.py on its own, with Debian's prometheus_client: files written by
 * prometheus_client's own metrics in separate processes (one per pid), then folded one dead
 * process at a time. What the multiprocess collector reports must not change, whatever is folded.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, renderRig, requireDebianParts } from './rig.js';

beforeAll(requireDebianParts, 30_000);

/**
 * Three processes record metrics (each its own pid's files), one file is left at 0 bytes as by a
 * process killed while creating it, then the script reports the collector's view before the
 * sweep, after sweeping each process, and the folder's files at the end.
 */
const SCRIPT = `import json, multiprocessing, os, sys

folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def record(n):
    from prometheus_client import Counter, Gauge, Histogram, Summary

    jobs = Counter("jobs", "Jobs", ["kind"])
    jobs.labels(kind="a").inc(n)
    jobs.labels(kind="b").inc(10 * n)
    Histogram("latency", "Latency", buckets=(1, 5)).observe(n)
    Summary("size", "Size").observe(n)
    Gauge("total", "Total", multiprocess_mode="sum").set(n)
    Gauge("low", "Lowest", multiprocess_mode="min").set(n)
    Gauge("high", "Highest", multiprocess_mode="max").set(n)
    Gauge("each", "Per process", multiprocess_mode="all").set(n)
    Gauge("busy", "Busy", multiprocess_mode="livesum").set(n)
    return os.getpid()


def view():
    from prometheus_client import CollectorRegistry, generate_latest
    import envgen_observe

    registry = CollectorRegistry()
    registry.register(envgen_observe._FolderCollector(folder))
    lines = [l for l in generate_latest(registry).decode().splitlines() if l and not l.startswith("#")]
    # "each" (all mode) is reported per pid: keep its values only
    return sorted(l.split("{pid=")[0] + " " + l.split(" ")[-1] if l.startswith("each") else l for l in lines)


if __name__ == "__main__":
    import envgen_observe

    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        pids = [pool.apply(record, (n,)) for n in (3, 1, 5)]
    open(os.path.join(folder, "counter_999999.db"), "wb").close()
    views = [view()]
    for pid in pids + [999999]:
        envgen_observe.sweep_dead_worker(pid)
        views.append(view())
    print(json.dumps({"pids": pids, "views": views, "files": sorted(os.listdir(folder))}))
`;

describe('sweep_dead_worker', () => {
  it('folds dead processes into archive files without changing what is reported', async () => {
    const rig = renderRig({}, { 'sweep_script.py': SCRIPT, 'metrics/.keep': '' });
    const result = await execa(PYTHON, ['sweep_script.py'], {
      cwd: rig.dir,
      env: {
        PATH: '/usr/bin:/bin',
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONPATH: rig.dir,
        PROMETHEUS_MULTIPROC_DIR: join(rig.dir, 'metrics'),
      },
      extendEnv: false,
      reject: false,
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    const { pids, views, files } = JSON.parse(result.stdout) as {
      pids: number[];
      views: string[][];
      files: string[];
    };
    expect(new Set(pids).size).toBe(3);
    // Before any sweep, from the per-process files: the sums, min and max of 3, 1 and 5.
    const live = (views[0] ?? []).filter(
      (line) => !line.startsWith('busy') && !line.startsWith('each'),
    );
    expect(live).toEqual(
      expect.arrayContaining([
        'jobs_total{kind="a"} 9.0',
        'jobs_total{kind="b"} 90.0',
        'latency_bucket{le="1.0"} 1.0',
        'latency_bucket{le="5.0"} 3.0',
        'latency_bucket{le="+Inf"} 3.0',
        'latency_count 3.0',
        'latency_sum 9.0',
        'size_count 3.0',
        'size_sum 9.0',
        'total 9.0',
        'low 1.0',
        'high 5.0',
      ]),
    );
    // After each sweep, the same (live gauges and per-process "all" gauges aside).
    const stable = (view: string[]) => view.filter((line) => !line.startsWith('busy'));
    for (const view of views.slice(1)) expect(stable(view)).toEqual(stable(views[0] ?? []));
    // The folder: one archive per foldable kind, the "all" gauges left, nothing else.
    expect(files).toEqual(
      [
        'counter_archive.db',
        'gauge_max_archive.db',
        'gauge_min_archive.db',
        'gauge_sum_archive.db',
        'histogram_archive.db',
        'summary_archive.db',
        '.keep',
        ...pids.map((pid) => `gauge_all_${pid}.db`),
      ].sort(),
    );
  });
});
