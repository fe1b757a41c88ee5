/** Parsed TOML is untyped: these read a value as a table or a string list, or as nothing. */

/** The value as a table; `{}` when it is not one. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The strings of an array; `[]` when it is not one. */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
