/** The environment rules of the catalogue, in id order. */
import type { Rule } from '../../types.js';
import { env001 } from './env001-defaults-with-conda-forge.js';
import { env002 } from './env002-missing-nodefaults.js';
import { env003 } from './env003-anaconda-channels.js';
import { env004 } from './env004-pytorch-channel.js';
import { env005 } from './env005-pytorch-cuda-misplaced.js';
import { env006 } from './env006-cudatoolkit.js';
import { env007 } from './env007-cuda-build-not-selected.js';
import { env008 } from './env008-cpuonly-on-gpu.js';
import { env009 } from './env009-torch-twice.js';
import { env010 } from './env010-pip-torch-without-index.js';
import { env011 } from './env011-cuda-channel-mix.js';
import { env012 } from './env012-unpinned-conda.js';
import { env013 } from './env013-unpinned-pip.js';
import { env014 } from './env014-pip-not-listed.js';
import { env015 } from './env015-unknown-key.js';
import { env016 } from './env016-invalid-schema.js';
import { env017 } from './env017-prefix-present.js';
import { env018 } from './env018-build-strings.js';
import { env019 } from './env019-no-lock.js';
import { env020 } from './env020-secret-variables.js';
import { env021 } from './env021-duplicate-or-foreign-channel.js';

export const ENVIRONMENT_RULES: Rule<'environment'>[] = [
  env001,
  env002,
  env003,
  env004,
  env005,
  env006,
  env007,
  env008,
  env009,
  env010,
  env011,
  env012,
  env013,
  env014,
  env015,
  env016,
  env017,
  env018,
  env019,
  env020,
  env021,
];
