/**
 * End to end, as `envgen generate` wrote them: the example repo's committed files for the
 * `sentiment` model (kept current by the example test) run under Debian's gunicorn as the
 * image would run them. The runtime stage of envs/sentiment/Dockerfile is read back with
 * dockerfile-ast: its ENTRYPOINT and CMD are what is started (with /opt/envgen mapped to a temp
 * folder, /opt/env/bin/gunicorn to Debian's, the bind address to 127.0.0.1), its ENV is the
 * environment (with the multiprocess folder, the metrics port and the OTLP endpoint moved to
 * this test's own). The SDK is the test double of fixtures/fake-opentelemetry (its README).
 */
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import {
  APP,
  attributes,
  FAKE_OTEL,
  GUNICORN,
  killAll,
  otlpReceiver,
  requests,
  requireDebianParts,
  scrape,
  startGroup,
  untilServing,
} from './rig.js';

beforeAll(requireDebianParts, 30_000);
afterEach(killAll);
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const EXAMPLE = 'fixtures/example-repo';

interface RuntimeStage {
  env: Record<string, string>;
  args: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
}

/** The last stage of a Dockerfile: its ENV and ARG defaults, ENTRYPOINT and CMD (exec form). */
function runtimeStage(text: string): RuntimeStage {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stage = instructions.slice(instructions.findLastIndex((i) => i.getKeyword() === 'FROM'));
  const pairs = (keyword: string): Record<string, string> => {
    const found: Record<string, string> = {};
    for (const instruction of stage.filter((i) => i.getKeyword() === keyword)) {
      for (const property of (
        instruction as unknown as {
          getProperties(): { getName(): string; getValue(): string | null }[];
        }
      ).getProperties()) {
        found[property.getName()] = (property.getValue() ?? '').replace(/^"(.*)"$/, '$1');
      }
    }
    return found;
  };
  const json = (keyword: string): string[] =>
    JSON.parse(
      stage
        .filter((i) => i.getKeyword() === keyword)
        .at(-1)
        ?.getArgumentsContent() ?? '[]',
    ) as string[];
  return {
    env: pairs('ENV'),
    args: pairs('ARG'),
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
  };
}

describe("the example repo's sentiment image, as generated", () => {
  it("counts exactly across 4 workers and sends each worker's spans with the image's resource", {
    timeout: 60_000,
  }, async () => {
    const stage = runtimeStage(readFileSync(`${EXAMPLE}/envs/sentiment/Dockerfile`, 'utf8'));
    const opt = tmpDir({});
    copyFileSync(`${EXAMPLE}/envs/envgen_observe.py`, join(opt, 'envgen_observe.py'));
    copyFileSync(`${EXAMPLE}/envs/envgen-observe`, join(opt, 'envgen-observe'));
    // The repository's copy is not executable: the Dockerfile's COPY --chmod=0755 makes it so.
    chmodSync(join(opt, 'envgen-observe'), 0o755);
    copyFileSync(`${EXAMPLE}/envs/sentiment/gunicorn.conf.py`, join(opt, 'gunicorn.conf.py'));
    const app = tmpDir({ 'app.py': APP });
    const receiver = await otlpReceiver();
    servers.push(receiver.server);
    const port = await freePort();
    const metricsPort = await freePort();

    // The image's environment, as its ENV says, with the ARG default filled in.
    const tag = stage.args.ENVGEN_IMAGE_TAG ?? '';
    const imageEnv = Object.fromEntries(
      Object.entries(stage.env)
        .filter(([name]) => /^(OTEL_|PROMETHEUS_|ENVGEN_)/.test(name))
        .map(([name, value]) => [
          name,
          value.replaceAll(['$', '{ENVGEN_IMAGE_TAG}'].join(''), tag),
        ]),
    );
    expect(imageEnv).toMatchObject({
      OTEL_SERVICE_NAME: 'sentiment',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    expect(imageEnv.PROMETHEUS_MULTIPROC_DIR).toBeTruthy();
    const metricsDir = join(app, 'metrics');
    const env = {
      ...imageEnv,
      PATH: '/usr/bin:/bin',
      PYTHONPATH: FAKE_OTEL,
      PROMETHEUS_MULTIPROC_DIR: metricsDir,
      ENVGEN_METRICS_PORT: String(metricsPort),
      ENVGEN_METRICS_ADDR: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    };

    // The image's ENTRYPOINT and CMD, with its paths mapped to this machine's.
    const mapped = (arg: string): string =>
      arg
        .replace(/^\/opt\/envgen\//, `${opt}/`)
        .replace(/^\/opt\/env\/bin\/gunicorn$/, GUNICORN)
        .replace(/^0\.0\.0\.0:\d+$/, `127.0.0.1:${port}`);
    const [entrypoint, ...entrypointArgs] = stage.entrypoint.map(mapped);
    const command = stage.cmd.map(mapped);
    expect(entrypoint).toBe(join(opt, 'envgen-observe'));
    expect(command.slice(0, 3)).toEqual([GUNICORN, '-c', join(opt, 'gunicorn.conf.py')]);
    // gunicorn's default is one worker; the test asks for four before the app argument.
    const withWorkers = [
      ...command.slice(0, -1),
      '-w',
      '4',
      '--graceful-timeout',
      '4',
      ...command.slice(-1),
    ];
    const server = startGroup(entrypoint ?? '', [...entrypointArgs, ...withWorkers], {
      cwd: app,
      env,
    });
    await untilServing(server, port);

    const hits = await requests(port, '/hit', 120, { sleep: 0.005 });
    const traced = await requests(port, '/traced', 40, { firstSeq: 1000, sleep: 0.005 });
    expect(new Set(hits.map((answer) => answer.pid)).size).toBe(4);
    const samples = await scrape(metricsPort);
    expect(samples.get('envgen_test_hits_total{route="hit"}')).toEqual([hits.length]);

    server.kill('SIGTERM');
    const stopped = await server;
    expect(stopped.exitCode, String(stopped.all)).toBe(0);

    // Every /traced request's span came from the worker that served it, with the image's resource.
    const spans = new Map<string, { sender: number; resource: Record<string, string> }>();
    for (const request of receiver.received) {
      for (const { resource, scopeSpans } of request.body.resourceSpans) {
        for (const { spans: list } of scopeSpans) {
          for (const span of list) {
            spans.set(span.spanId, {
              sender: request.senderPid,
              resource: attributes(resource.attributes),
            });
          }
        }
      }
    }
    for (const answer of traced) {
      const found = spans.get(answer.spanId ?? '');
      expect(found, `span of request ${answer.seq}`).toBeDefined();
      expect(found?.sender).toBe(answer.pid);
      expect(found?.resource).toMatchObject({
        'service.name': 'sentiment',
        'service.version': tag,
        'dev.envgen.model': 'sentiment',
        'dev.envgen.torch': '2.1.2',
        'dev.envgen.cuda': '11.8',
        'dev.envgen.python': '3.11',
      });
    }
  });
});
