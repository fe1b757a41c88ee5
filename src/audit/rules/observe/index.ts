/**
 * The observability rules (OBS, issue 20): telemetry under pre-fork and spawning servers. Each
 * reports on several kinds of file; the array mixes targets, the catalogue reads it as `Rule[]`.
 */
import type { Rule } from '../../types.js';
import { obs001 } from './obs001-instrument-prefork.js';
import { obs002 } from './obs002-multiproc-dir.js';
import { obs003 } from './obs003-spawn-fork-hooks.js';
import { obs004 } from './obs004-recycled-workers-files.js';
import { obs005 } from './obs005-otlp-port-protocol.js';

export const OBSERVE_RULES: Rule[] = [obs001, obs002, obs003, obs004, obs005] as Rule[];
