/** The Dockerfile rules of the catalogue, in id order. */
import type { Rule } from '../../types.js';
import { dkr001 } from './dkr001-anaconda-base.js';
import { dkr002 } from './dkr002-anaconda-tos.js';
import { dkr003 } from './dkr003-conda-clean.js';
import { dkr004 } from './dkr004-conda-yes.js';
import { dkr005 } from './dkr005-conda-unpinned.js';
import { dkr006 } from './dkr006-conda-update.js';
import { dkr007 } from './dkr007-conda-activate.js';
import { dkr008 } from './dkr008-conda-run-capture.js';
import { dkr009 } from './dkr009-exec-form.js';
import { dkr010 } from './dkr010-cuda-devel-final.js';
import { dkr011 } from './dkr011-image-untagged.js';
import { dkr012 } from './dkr012-image-latest.js';
import { dkr013 } from './dkr013-nvidia-env.js';
import { dkr014 } from './dkr014-final-user-root.js';
import { dkr015 } from './dkr015-secret-arg-env.js';
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

export const DOCKERFILE_RULES: Rule<'dockerfile'>[] = [
  dkr001,
  dkr002,
  dkr003,
  dkr004,
  dkr005,
  dkr006,
  dkr007,
  dkr008,
  dkr009,
  dkr010,
  dkr011,
  dkr012,
  dkr013,
  dkr014,
  dkr015,
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
