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

/** DKR001-DKR015: conda, CUDA base images, users and secrets. */
export const GROUP_A: Rule<'dockerfile'>[] = [
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
];
