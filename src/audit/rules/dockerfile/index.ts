/** The Dockerfile rules of the catalogue, in id order (two groups, DKR001-015 and DKR016-030). */
import type { Rule } from '../../types.js';
import { GROUP_A } from './group-a.js';
import { GROUP_B } from './group-b.js';

export const DOCKERFILE_RULES: Rule<'dockerfile'>[] = [...GROUP_A, ...GROUP_B];
