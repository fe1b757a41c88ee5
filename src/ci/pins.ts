/**
 * The actions and tools the generated pipelines use, pinned: each action by the commit its
 * release tag points to (a tag can be moved; a commit cannot), with the tag in a comment beside
 * it so a reader (and Dependabot or Renovate) sees the release. One table, so a bump is a change
 * of one line here and of the goldens.
 *
 * Source: each repository's tags as GitHub serves them, read on 2026-12-05 with
 * `git show-ref --tags` (and `git rev-parse TAG^{commit}` for annotated tags) in a mirror of the
 * repository; the newest release tag of each.
 */
export interface ActionPin {
  /** `owner/repo` or `owner/repo/path` (a sub-action). */
  action: string;
  tag: string;
  /** The commit the tag points to. */
  commit: string;
}

export const ACTIONS = {
  checkout: {
    action: 'actions/checkout',
    tag: 'v7.0.1',
    commit: '3d3c42e5aac5ba805825da76410c181273ba90b1',
  },
  setupMicromamba: {
    action: 'mamba-org/setup-micromamba',
    tag: 'v3.0.0',
    commit: 'd7c9bd84e824b79d2af72a2d4196c7f4300d3476',
  },
  setupBuildx: {
    action: 'docker/setup-buildx-action',
    tag: 'v4.3.0',
    commit: '37fe631027851001ddb9b187196cc803df7f5f0e',
  },
  login: {
    action: 'docker/login-action',
    tag: 'v4.1.0',
    commit: '4907a6ddec9925e35a0a9e82d7399ccc52663121',
  },
  bake: {
    action: 'docker/bake-action',
    tag: 'v7.1.0',
    commit: 'a66e1c87e2eca0503c343edf1d208c716d54b8a8',
  },
  // v4.36.2 is an annotated tag (object 1a818fd5…); this is the commit it points to.
  uploadSarif: {
    action: 'github/codeql-action/upload-sarif',
    tag: 'v4.36.2',
    commit: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
  },
  uploadArtifact: {
    action: 'actions/upload-artifact',
    tag: 'v7.0.0',
    commit: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
  },
} as const satisfies Record<string, ActionPin>;

/** `owner/repo@<commit> # <tag>`: a step's `uses:` value with its comment. */
export function usesLine(pin: ActionPin): string {
  return `${pin.action}@${pin.commit} # ${pin.tag}`;
}

/**
 * micromamba, as setup-micromamba installs it (GitHub) and as the GitLab jobs download it: a
 * release of mamba-org/micromamba-releases (tag `2.0.5-0`, assets `micromamba-linux-64` and
 * `micromamba-linux-aarch64`), the version setup-micromamba's README shows.
 */
export const MICROMAMBA_VERSION = '2.0.5-0';

/** The images of the GitLab jobs: Node for envgen, Docker with its daemon for bake. */
export const GITLAB_IMAGES = {
  node: 'node:20-bookworm',
  docker: 'docker:28-cli',
  dind: 'docker:28-dind',
} as const;
