import type { Rule } from '../../types.js';

export const GROUP_B: Rule<'dockerfile'>[] = [];
