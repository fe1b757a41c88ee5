import { channelName } from '../../../conda-channels.js';
import { normalizeName } from '../../../spec/package-entries.js';
import { defineRule } from '../define-rule.js';
import { condaDeps, isPipOption, PIP_TORCH, pipDeps } from './conda-env.js';

export const env021 = defineRule<'environment'>({
  id: 'ENV021',
  name: 'duplicate-or-foreign-channel',
  target: 'environment',
  severity: 'info',
  description:
    'A package is listed twice, or channel::pkg names a channel that channels: does not list.',
  docs: [
    'Both are allowed, but easy to misread. A package listed twice (two conda lines, two pip lines, or conda and pip)',
    "gets the intersection of its constraints on conda's side and is overwritten by pip on the other; a",
    '`channel::pkg` spec takes the package from that channel whatever `channels:` says, bypassing channel priority',
    '(cf. the `conda-forge::pkg` pinning answer mirrored at cloud.tencent.com/developer/ask/sof/108459567).',
    '**envgen-native**. PyTorch itself in conda and pip is ENV009.',
    '',
    'Fix: merge the constraints into one line; add the channel to `channels:` or drop the prefix.',
  ].join('\n'),
  check(context, report) {
    const listed = new Set(context.channels.map((c) => channelName(c.name)));
    const conda = condaDeps(context);
    const seen = new Map<string, number>();
    // envgen's own file repeats a name only where its pin and the spec's entry meet (`numpy<2`
    // and `numpy==1.26.4`): both constraints are meant, and the place to change them is envgen.yaml.
    const generated = context.model !== undefined;
    for (const d of conda) {
      const first = seen.get(d.name);
      if (first !== undefined && !generated) {
        report({
          line: d.line,
          column: d.column,
          message: `'${d.name}' is listed again (first at line ${first}); conda applies both constraints`,
          fix: `merge the two lines into one spec for '${d.name}'`,
        });
      } else {
        seen.set(d.name, d.line);
      }
      const channel = d.conda?.channel;
      if (channel && !listed.has(channelName(channel))) {
        report({
          line: d.line,
          column: d.column,
          message: `'${d.text}' takes ${d.name} from '${channel}', which channels: does not list; this bypasses channel priority`,
          fix: `add '${channel}' to channels, or drop the '${channel}::' prefix`,
        });
      }
    }
    const condaNames = new Map(
      conda.filter((d) => d.name !== 'pip').map((d) => [normalizeName(d.name), d.line]),
    );
    const pipSeen = new Map<string, number>();
    for (const d of pipDeps(context)) {
      if (isPipOption(d)) continue;
      const name = normalizeName(d.name);
      const first = pipSeen.get(name);
      const inConda = condaNames.get(name);
      if (first !== undefined && !generated) {
        report({
          line: d.line,
          column: d.column,
          message: `pip '${d.name}' is listed again (first at line ${first})`,
          fix: `keep one requirement for '${d.name}'`,
        });
      } else if (inConda !== undefined && !PIP_TORCH.has(name)) {
        report({
          line: d.line,
          column: d.column,
          message: `pip '${d.name}' is also a conda dependency (line ${inConda}); pip overwrites conda's files`,
          fix: `install '${d.name}' from conda or from pip, not both`,
        });
      }
      pipSeen.set(name, first ?? d.line);
    }
    return undefined;
  },
});
