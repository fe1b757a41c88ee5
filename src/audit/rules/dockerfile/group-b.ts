import type { Rule } from '../../types.js';
import { dkr016 } from './dkr016-pip-no-cache-dir.js';
import { dkr017 } from './dkr017-pip-unpinned.js';
import { dkr018 } from './dkr018-apt-lists-kept.js';
import { dkr019 } from './dkr019-apt-install-flags.js';
import { dkr020 } from './dkr020-pipe-without-pipefail.js';
import { dkr021 } from './dkr021-installer-unverified.js';
import { dkr022 } from './dkr022-no-healthcheck.js';
import { dkr023 } from './dkr023-copy-whole-context.js';
import { dkr024 } from './dkr024-workdir-relative.js';
import { dkr025 } from './dkr025-from-arg-undefined.js';
import { dkr026 } from './dkr026-from-platform-constant.js';
import { dkr027 } from './dkr027-legacy-key-value.js';
import { dkr028 } from './dkr028-python-unbuffered.js';
import { dkr029 } from './dkr029-consecutive-runs.js';
import { dkr030 } from './dkr030-structure.js';

export const GROUP_B: Rule<'dockerfile'>[] = [
  dkr016,
  dkr017,
  dkr018,
  dkr019,
  dkr020,
  dkr021,
  dkr022,
  dkr023,
  dkr024,
  dkr025,
  dkr026,
  dkr027,
  dkr028,
  dkr029,
  dkr030,
];
