/** Examples of OBS005, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

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
  ],
};
