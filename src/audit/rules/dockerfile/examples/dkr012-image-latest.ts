/** Examples of DKR012, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: ['FROM condaforge/miniforge3:25.3.0-1 AS build', 'FROM build'].join('\n'),
      },
    },
    {
      files: {
        Dockerfile:
          'FROM mambaorg/micromamba:latest@sha256:1e4c9a6b2f4b5d0c0e37c39d5bd9e8e1b8f5b7e8f7d1a0c3e2b4f6a8c9d0e1f2',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'ARG TAG=latest',
          'FROM continuumio/miniconda3:latest AS build',
          `FROM condaforge/miniforge3:\${TAG}`,
        ].join('\n'),
      },
      lines: [2, 3],
      columns: [6, 6],
    },
  ],
};
