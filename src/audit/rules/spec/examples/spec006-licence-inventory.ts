/** Examples of SPEC006, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1 AS build\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes -f /tmp/environment.yml -p /opt/env\nFROM debian:12.11-slim\nCOPY --from=build /opt/env /opt/env\n',
        'environment.yml':
          'channels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.12\n  - pytorch=2.5.1=cpu*\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM continuumio/miniconda3:25.3.1-1 AS build\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes -f /tmp/environment.yml -p /opt/env\nFROM nvidia/cuda:12.1.1-base-ubuntu22.04\nCOPY --from=build /opt/env /opt/env\n',
        'environment.yml':
          'channels: [pytorch, nvidia, defaults]\ndependencies:\n  - python=3.11\n  - pytorch==2.3.1\n  - pytorch-cuda=12.1\n',
      },
      lines: [2, 4],
      columns: [1, 6],
    },
    {
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nRUN pip install --no-cache-dir torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n',
      },
      lines: [2],
      columns: [1],
    },
  ],
};
