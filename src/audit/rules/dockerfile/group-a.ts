import type { Rule } from '../../types.js';

export const GROUP_A: Rule<'dockerfile'>[] = [];
