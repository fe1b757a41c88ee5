/** The spec rules of the catalogue, in id order. */
import type { Rule } from '../../types.js';

export const SPEC_RULES: Rule<'spec'>[] = [];
