/**
 * Every rule reads a RUN the same way (issue 14's root cause: three readers that disagreed on
 * the exec form, heredocs and comments on continuation lines): the conda helpers and the SPEC
 * rules go through run-commands.ts, as the other rules do.
 */
import { describe, expect, it } from 'vitest';
import { dockerfileContext } from '../../src/audit/contexts.js';
import { makeProject } from '../../src/audit/project.js';
import { commandsIn } from '../../src/audit/rules/dockerfile/conda-commands.js';
import { runCommands } from '../../src/audit/rules/dockerfile/run-commands.js';

describe('one reading of a RUN', () => {
  it.each([
    [
      'the exec form of a shell',
      'RUN ["/bin/bash", "-c", "conda install -y numpy && pip install flask==3.0.3"]',
      [
        ['conda', 'install', '-y', 'numpy'],
        ['pip', 'install', 'flask==3.0.3'],
      ],
    ],
    [
      'a heredoc',
      'RUN <<EOF\nconda install -y numpy\npip install flask==3.0.3\nEOF',
      [
        ['conda', 'install', '-y', 'numpy'],
        ['pip', 'install', 'flask==3.0.3'],
      ],
    ],
    [
      'a comment on a continuation line',
      'RUN conda install -y numpy \\\n# the web server\n    && pip install flask==3.0.3',
      [
        ['conda', 'install', '-y', 'numpy'],
        ['pip', 'install', 'flask==3.0.3'],
      ],
    ],
  ])('%s', (_label, run, expected) => {
    const text = `FROM debian:12.11-slim\n${run}\n`;
    const parsed = dockerfileContext(
      'Dockerfile',
      text,
      makeProject('/repo', new Map([['Dockerfile', text]])),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const instruction = parsed.context.instructions.find((i) => i.keyword === 'RUN');
    if (!instruction) throw new Error('no RUN');
    const words = (commands: { words: string[] }[]) => commands.map((c) => c.words);
    expect(words(commandsIn(parsed.context, instruction))).toEqual(expected);
    expect(words(runCommands(instruction))).toEqual(expected);
  });
});
