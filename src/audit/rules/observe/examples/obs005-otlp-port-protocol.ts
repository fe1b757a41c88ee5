/** Examples of OBS005, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const spec = (observe: string, model = '') =>
  `version: 1\ndefaults:\n  observe:\n${observe}models:\n  ranker:\n    torch: "2.4"\n    cuda: cpu\n    serve:\n      command: [gunicorn, "app:app"]\n      port: 8080\n${model}  tagger:\n    torch: "2.4"\n    cuda: cpu\n    serve:\n      command: [gunicorn, "app:app"]\n      port: 8081\n`;

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 \\\n    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n',
      },
    },
    {
      // No protocol: the SDK exports `otlp` with gRPC, on 4317.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317\n',
      },
    },
    {
      // The code makes the HTTP exporter itself: the variable does not choose it.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector:4318/v1/traces\n',
        'app/tracing.py':
          'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n\nexporter = OTLPSpanExporter()\n',
      },
    },
    {
      // A port of its own (a proxy): not judged.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp.example.com:443 OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n',
      },
    },
    {
      // envgen's default protocol is http/protobuf: port 4318.
      files: {
        'envgen.yaml': spec('    tracing: otlp\n    endpoint: http://otel-collector:4318\n'),
      },
    },
    {
      files: {
        'envgen.yaml': spec(
          '    tracing: otlp\n    endpoint: http://otel-collector:4317\n    protocol: grpc\n',
        ),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317\nENV OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n',
      },
      lines: [2],
      columns: [5],
    },
    {
      // No protocol set: gRPC, to the HTTP port.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318\n',
      },
      lines: [2],
    },
    {
      // The traces protocol overrides the general one.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_PROTOCOL=grpc \\\n    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf \\\n    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=collector:4317\n',
      },
      lines: [4],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: svc\nchannels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.12\nvariables:\n  OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4317\n  OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n',
      },
      lines: [6],
      columns: [3],
    },
    {
      // Once, where the endpoint is written, though two models take it from defaults.
      files: {
        'envgen.yaml': spec('    tracing: otlp\n    endpoint: http://otel-collector:4317\n'),
      },
      lines: [5],
      columns: [15],
    },
    {
      // A model's own protocol against the defaults' endpoint.
      files: {
        'envgen.yaml': spec(
          '    tracing: otlp\n    endpoint: http://otel-collector:4318\n',
          '    observe:\n      protocol: grpc\n',
        ),
      },
      lines: [5],
    },
  ],
};
