/** The environment rules of the catalogue, in id order. */
import type { Rule } from '../../types.js';

export const ENVIRONMENT_RULES: Rule<'environment'>[] = [];
