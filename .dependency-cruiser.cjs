/**
 * envgen's layering, checked in `npm test` (test/structure/dependencies.test.ts) and by hand with
 * `npx depcruise src`: no import cycles, and dependencies that point one way:
 *
 *   cli -> report -> command domains -> render -> compat -> packages -> spec -> runner -> versions -> shared modules
 *
 * Command domains (init, generate, lock, environments, smoke, doctor, audit, diff, drift, graph, vulns, ci, rollout) may use each other
 * where no cycle results (the test checks cycles between folders too). The shared modules at
 * the top of src/ (io, problem, problem-codes, layout, progress, conda-channels, ...) import
 * nothing from a folder.
 */
const DOMAINS =
  'init|generate|lock|environments|smoke|doctor|audit|diff|drift|graph|vulns|ci|rollout';
const SHARED = '^src/[^/]+\\.ts$';
/** Each core folder, and what lies below it. */
const BELOW = {
  render: ['compat', 'packages', 'spec', 'runner', 'versions'],
  compat: ['packages', 'spec', 'runner', 'versions'],
  packages: ['spec', 'runner', 'versions'],
  spec: ['runner', 'versions'],
  runner: ['versions'],
  versions: [],
};

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can change or be tested alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment: 'Only the CLI itself imports src/cli (bin/ loads the built CLI).',
      from: { path: '^src/(?!cli/)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'report-serves-the-cli',
      severity: 'error',
      comment: 'Reporters render what domains return; only the CLI calls them.',
      from: { path: '^src/(?!cli/|report/)' },
      to: { path: '^src/report/' },
    },
    {
      name: 'cores-never-import-domains',
      severity: 'error',
      comment:
        'A shared core (render, compat, spec, runner, versions, the shared modules) serves every command and knows none.',
      from: { path: `^src/(${Object.keys(BELOW).join('|')})/|${SHARED}` },
      to: { path: `^src/(${DOMAINS}|report|cli)/` },
    },
    ...Object.entries(BELOW).map(([core, below]) => ({
      name: `${core}-is-above`,
      severity: 'error',
      comment: `Only what lies above ${core} imports it.`,
      from: { path: [...below.map((b) => `^src/${b}/`), SHARED] },
      to: { path: `^src/${core}/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.json$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
