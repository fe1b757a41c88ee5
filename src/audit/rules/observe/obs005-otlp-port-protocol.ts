import { isMap, isScalar } from 'yaml';
import { observeSettings } from '../../../spec/observe.js';
import type { DockerfileContext, EnvironmentContext, Finding, SpecContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { codeProtocol, isDockerfile, isSpec } from './facts.js';
import { dockerEnv } from './launch.js';

const SIGNALS = ['', 'TRACES_', 'METRICS_', 'LOGS_'] as const;

/** The port an OTLP endpoint names (`http://collector:4318/v1/traces`, `collector:4317`). */
function portOf(endpoint: string): number | undefined {
  const match = /^(?:[a-z][\w+.-]*:\/\/)?(?:\[[^\]]*\]|[^/:?#]*)?:(\d+)(?:[/?#]|$)/i.exec(
    endpoint.trim(),
  );
  return match ? Number(match[1]) : undefined;
}

interface Setting {
  value: string;
  line: number;
  column: number;
}

function judge(
  settings: ReadonlyMap<string, Setting>,
  fromCode: 'grpc' | 'http/protobuf' | undefined,
  report: (finding: Finding) => void,
): void {
  for (const signal of SIGNALS) {
    const endpointName = `OTEL_EXPORTER_OTLP_${signal}ENDPOINT`;
    const endpoint = settings.get(endpointName);
    if (!endpoint) continue;
    const port = portOf(endpoint.value);
    if (port !== 4317 && port !== 4318) continue;
    const own = settings.get(`OTEL_EXPORTER_OTLP_${signal}PROTOCOL`);
    const general = settings.get('OTEL_EXPORTER_OTLP_PROTOCOL');
    const set = own ?? general;
    const protocol = set?.value.trim() ?? fromCode ?? 'grpc';
    const why = set
      ? `${own ? `OTEL_EXPORTER_OTLP_${signal}PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL'}=${protocol}`
      : fromCode
        ? `the code exports with the ${protocol} OTLP exporter`
        : 'no OTEL_EXPORTER_OTLP_PROTOCOL is set, and the Python SDK (and opentelemetry-distro) then exports `otlp` with gRPC';
    const grpc = protocol === 'grpc';
    const protocolName = own
      ? `OTEL_EXPORTER_OTLP_${signal}PROTOCOL`
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    if (grpc === (port === 4317)) continue;
    report({
      line: endpoint.line,
      column: endpoint.column,
      message: `${endpointName}=${endpoint.value} names port ${port}, the collector's OTLP/${port === 4317 ? 'gRPC' : 'HTTP'} port, but ${why}: every export fails and no telemetry arrives`,
      fix: grpc
        ? `use the gRPC port 4317 (${endpoint.value.replace(':4318', ':4317')}), or set ${protocolName}=http/protobuf`
        : `use the OTLP/HTTP port 4318 (${endpoint.value.replace(':4317', ':4318')}), or set ${protocolName}=grpc`,
    });
  }
}

/**
 * envgen.yaml's `observe:`: a model's endpoint (its own or `defaults`') against its protocol
 * (its own, `defaults`', else envgen's http/protobuf), once per place an endpoint is written.
 */
function checkSpec(ctx: SpecContext, report: (finding: Finding) => void): void {
  const { spec, locate } = ctx.spec;
  const reported = new Set<string>();
  for (const [name, model] of Object.entries(spec.models ?? {})) {
    const settings = observeSettings(model, spec.defaults);
    if (!settings?.endpoint || settings.tracing !== 'otlp') continue;
    const port = portOf(settings.endpoint);
    if (port !== 4317 && port !== 4318) continue;
    if ((settings.protocol === 'grpc') === (port === 4317)) continue;
    const own = model.observe?.endpoint !== undefined;
    const at = locate(
      own ? ['models', name, 'observe', 'endpoint'] : ['defaults', 'observe', 'endpoint'],
    );
    if (!at || reported.has(`${at.line}:${at.column}`)) continue;
    reported.add(`${at.line}:${at.column}`);
    const protocolFrom =
      model.observe?.protocol !== undefined
        ? `model '${name}' sets protocol: ${settings.protocol}`
        : spec.defaults?.observe?.protocol !== undefined
          ? `defaults set protocol: ${settings.protocol}`
          : 'protocol is not set, and envgen exports with http/protobuf';
    report({
      line: at.line,
      column: at.column,
      message: `observe.endpoint ${settings.endpoint} names port ${port}, the collector's OTLP/${port === 4317 ? 'gRPC' : 'HTTP'} port, but ${protocolFrom}: every export fails and no trace arrives`,
      fix:
        port === 4317
          ? `use the OTLP/HTTP port 4318 (${settings.endpoint.replace(':4317', ':4318')}), or set observe.protocol: grpc`
          : `use the gRPC port 4317 (${settings.endpoint.replace(':4318', ':4317')}), or set observe.protocol: http/protobuf`,
    });
  }
}

function check(
  ctx: DockerfileContext | EnvironmentContext | SpecContext,
  report: (finding: Finding) => void,
): undefined {
  if (isSpec(ctx)) {
    checkSpec(ctx, report);
    return;
  }
  // envgen writes a model's OTLP ENV lines from its observe:, judged in envgen.yaml.
  if (isDockerfile(ctx) && ctx.model) return;
  const settings = new Map<string, Setting>();
  if (isDockerfile(ctx)) {
    for (const [name, { value, line, column }] of dockerEnv(ctx))
      settings.set(name, { value, line, column });
  } else {
    const variables = ctx.document.get('variables', true);
    if (!isMap(variables)) return;
    for (const pair of variables.items) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
      const name = String(pair.key.value);
      if (!name.startsWith('OTEL_EXPORTER_OTLP_')) continue;
      const position = pair.key.range ? ctx.positionOf(pair.key.range[0]) : { line: 1, column: 1 };
      settings.set(name, { value: String(pair.value.value), ...position });
    }
  }
  if (![...settings.keys()].some((name) => name.endsWith('ENDPOINT'))) return;
  judge(settings, codeProtocol(ctx.project), report);
}

export const obs005 = defineRule<'dockerfile' | 'environment' | 'spec'>({
  id: 'OBS005',
  name: 'otlp-port-protocol',
  target: 'dockerfile',
  targets: ['dockerfile', 'environment', 'spec'],
  severity: 'warning',
  description:
    "An OTLP endpoint's port does not match the export protocol (4317 is gRPC, 4318 is HTTP).",
  docs: `An OpenTelemetry collector listens for OTLP over gRPC on port 4317 and over HTTP on 4318 (OpenTelemetry SDK configuration docs, "OTLP exporter"; the spec's exporter.md). An exporter that speaks one protocol to the other port fails every export, and the service runs on with no telemetry.

The rule reads \`OTEL_EXPORTER_OTLP_ENDPOINT\` and the per-signal \`OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT\` set by a Dockerfile's final stage (ENV) or a conda environment file's \`variables:\`, and compares an explicit port 4317 or 4318 with the protocol that applies: the per-signal \`…_PROTOCOL\`, else \`OTEL_EXPORTER_OTLP_PROTOCOL\`, else the OTLP exporter the project's Python imports when it imports only one flavour (\`opentelemetry.exporter.otlp.proto.grpc\` or \`.proto.http\`: an exporter class made in code ignores the variable), else **grpc**. That default is the Python SDK's: with \`OTEL_TRACES_EXPORTER=otlp\` and no protocol set, \`opentelemetry.sdk._configuration._get_exporter_entry_point\` picks \`otlp_proto_grpc\` (opentelemetry-python @ 0a5d76b, 2026-08), and opentelemetry-distro, which \`opentelemetry-instrument\` loads, sets \`OTEL_EXPORTER_OTLP_PROTOCOL=grpc\` by default (opentelemetry-python-contrib @ 466ae4c); the \`opentelemetry-exporter-otlp\` metapackage installs both flavours. Other ports (a proxy, a vendor endpoint) are not judged.

Severity: warning, not error, because a vendor distro can change the default protocol; a port and protocol both set and mismatched never work.

In envgen.yaml, a model's \`observe.endpoint\` (its own or \`defaults\`', when tracing is \`otlp\`) is compared with its \`observe.protocol\` (default http/protobuf, which the generated Dockerfile sets), and reported once where the endpoint is written; the generated Dockerfile's ENV lines, written from it, are not reported again.

Fix: use the port of the protocol, or set the protocol of the port.`,
  check,
});
