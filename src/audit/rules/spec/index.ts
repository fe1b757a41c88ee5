/**
 * The spec rules of the catalogue, in id order. They read across files, so each reports on
 * the file it is about: the Dockerfile (SPEC001, 003, 005, 006) or envgen.yaml (SPEC002, 004).
 * The array mixes targets; the catalogue reads it as `Rule[]`.
 */
import type { Rule } from '../../types.js';
import { spec001 } from './spec001-cuda-versions-agree.js';
import { spec002 } from './spec002-driver-floor.js';
import { spec003 } from './spec003-cuda-override.js';
import { spec004 } from './spec004-shared-memory.js';
import { spec005 } from './spec005-entrypoint-python.js';
import { spec006 } from './spec006-licence-inventory.js';

export const SPEC_RULES: Rule[] = [spec001, spec002, spec003, spec004, spec005, spec006] as Rule[];
