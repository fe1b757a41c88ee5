/**
 * Every rule's examples, by rule id: the tests run them, and nothing the CLI loads imports this,
 * so they stay out of the shipped bundle.
 */
import type { RuleExamples } from '../types.js';
import { examples as dkr001 } from './dockerfile/examples/dkr001-anaconda-base.js';
import { examples as dkr002 } from './dockerfile/examples/dkr002-anaconda-tos.js';
import { examples as dkr003 } from './dockerfile/examples/dkr003-conda-clean.js';
import { examples as dkr004 } from './dockerfile/examples/dkr004-conda-yes.js';
import { examples as dkr005 } from './dockerfile/examples/dkr005-conda-unpinned.js';
import { examples as dkr006 } from './dockerfile/examples/dkr006-conda-update.js';
import { examples as dkr007 } from './dockerfile/examples/dkr007-conda-activate.js';
import { examples as dkr008 } from './dockerfile/examples/dkr008-conda-run-capture.js';
import { examples as dkr009 } from './dockerfile/examples/dkr009-exec-form.js';
import { examples as dkr010 } from './dockerfile/examples/dkr010-cuda-devel-final.js';
import { examples as dkr011 } from './dockerfile/examples/dkr011-image-untagged.js';
import { examples as dkr012 } from './dockerfile/examples/dkr012-image-latest.js';
import { examples as dkr013 } from './dockerfile/examples/dkr013-nvidia-env.js';
import { examples as dkr014 } from './dockerfile/examples/dkr014-final-user-root.js';
import { examples as dkr015 } from './dockerfile/examples/dkr015-secret-arg-env.js';
import { examples as dkr016 } from './dockerfile/examples/dkr016-pip-no-cache-dir.js';
import { examples as dkr017 } from './dockerfile/examples/dkr017-pip-unpinned.js';
import { examples as dkr018 } from './dockerfile/examples/dkr018-apt-lists-kept.js';
import { examples as dkr019 } from './dockerfile/examples/dkr019-apt-install-flags.js';
import { examples as dkr020 } from './dockerfile/examples/dkr020-pipe-without-pipefail.js';
import { examples as dkr021 } from './dockerfile/examples/dkr021-installer-unverified.js';
import { examples as dkr022 } from './dockerfile/examples/dkr022-no-healthcheck.js';
import { examples as dkr023 } from './dockerfile/examples/dkr023-copy-whole-context.js';
import { examples as dkr024 } from './dockerfile/examples/dkr024-workdir-relative.js';
import { examples as dkr025 } from './dockerfile/examples/dkr025-from-arg-undefined.js';
import { examples as dkr026 } from './dockerfile/examples/dkr026-from-platform-constant.js';
import { examples as dkr027 } from './dockerfile/examples/dkr027-legacy-key-value.js';
import { examples as dkr028 } from './dockerfile/examples/dkr028-python-unbuffered.js';
import { examples as dkr029 } from './dockerfile/examples/dkr029-consecutive-runs.js';
import { examples as dkr030 } from './dockerfile/examples/dkr030-structure.js';
import { examples as env001 } from './environment/examples/env001-defaults-with-conda-forge.js';
import { examples as env002 } from './environment/examples/env002-missing-nodefaults.js';
import { examples as env003 } from './environment/examples/env003-anaconda-channels.js';
import { examples as env004 } from './environment/examples/env004-pytorch-channel.js';
import { examples as env005 } from './environment/examples/env005-pytorch-cuda-misplaced.js';
import { examples as env006 } from './environment/examples/env006-cudatoolkit.js';
import { examples as env007 } from './environment/examples/env007-cuda-build-not-selected.js';
import { examples as env008 } from './environment/examples/env008-cpuonly-on-gpu.js';
import { examples as env009 } from './environment/examples/env009-torch-twice.js';
import { examples as env010 } from './environment/examples/env010-pip-torch-without-index.js';
import { examples as env011 } from './environment/examples/env011-cuda-channel-mix.js';
import { examples as env012 } from './environment/examples/env012-unpinned-conda.js';
import { examples as env013 } from './environment/examples/env013-unpinned-pip.js';
import { examples as env014 } from './environment/examples/env014-pip-not-listed.js';
import { examples as env015 } from './environment/examples/env015-unknown-key.js';
import { examples as env016 } from './environment/examples/env016-invalid-schema.js';
import { examples as env017 } from './environment/examples/env017-prefix-present.js';
import { examples as env018 } from './environment/examples/env018-build-strings.js';
import { examples as env019 } from './environment/examples/env019-no-lock.js';
import { examples as env020 } from './environment/examples/env020-secret-variables.js';
import { examples as env021 } from './environment/examples/env021-duplicate-or-foreign-channel.js';
import { examples as obs001 } from './observe/examples/obs001-instrument-prefork.js';
import { examples as obs002 } from './observe/examples/obs002-multiproc-dir.js';
import { examples as obs003 } from './observe/examples/obs003-spawn-fork-hooks.js';
import { examples as obs004 } from './observe/examples/obs004-recycled-workers-files.js';
import { examples as obs005 } from './observe/examples/obs005-otlp-port-protocol.js';
import { examples as spec001 } from './spec/examples/spec001-cuda-versions-agree.js';
import { examples as spec002 } from './spec/examples/spec002-driver-floor.js';
import { examples as spec003 } from './spec/examples/spec003-cuda-override.js';
import { examples as spec004 } from './spec/examples/spec004-shared-memory.js';
import { examples as spec005 } from './spec/examples/spec005-entrypoint-python.js';
import { examples as spec006 } from './spec/examples/spec006-licence-inventory.js';

export const EXAMPLES: Record<string, RuleExamples> = {
  DKR001: dkr001,
  DKR002: dkr002,
  DKR003: dkr003,
  DKR004: dkr004,
  DKR005: dkr005,
  DKR006: dkr006,
  DKR007: dkr007,
  DKR008: dkr008,
  DKR009: dkr009,
  DKR010: dkr010,
  DKR011: dkr011,
  DKR012: dkr012,
  DKR013: dkr013,
  DKR014: dkr014,
  DKR015: dkr015,
  DKR016: dkr016,
  DKR017: dkr017,
  DKR018: dkr018,
  DKR019: dkr019,
  DKR020: dkr020,
  DKR021: dkr021,
  DKR022: dkr022,
  DKR023: dkr023,
  DKR024: dkr024,
  DKR025: dkr025,
  DKR026: dkr026,
  DKR027: dkr027,
  DKR028: dkr028,
  DKR029: dkr029,
  DKR030: dkr030,
  ENV001: env001,
  ENV002: env002,
  ENV003: env003,
  ENV004: env004,
  ENV005: env005,
  ENV006: env006,
  ENV007: env007,
  ENV008: env008,
  ENV009: env009,
  ENV010: env010,
  ENV011: env011,
  ENV012: env012,
  ENV013: env013,
  ENV014: env014,
  ENV015: env015,
  ENV016: env016,
  ENV017: env017,
  ENV018: env018,
  ENV019: env019,
  ENV020: env020,
  ENV021: env021,
  SPEC001: spec001,
  SPEC002: spec002,
  SPEC003: spec003,
  SPEC004: spec004,
  SPEC005: spec005,
  SPEC006: spec006,
  OBS001: obs001,
  OBS002: obs002,
  OBS003: obs003,
  OBS004: obs004,
  OBS005: obs005,
};
