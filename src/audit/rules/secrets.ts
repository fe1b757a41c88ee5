/**
 * Names that look like secrets (hadolint DL3064's list, plus the ML platforms' tokens): their
 * values end up in plain text in image layers (ENV, ARG) or in conda-meta/state (variables:).
 */
const SECRET =
  /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?KEY|CREDENTIALS?)($|_)/i;
const KNOWN = new Set([
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'WANDB_API_KEY',
  'AWS_SECRET_ACCESS_KEY',
  'OPENAI_API_KEY',
  'GITHUB_TOKEN',
  'NGC_API_KEY',
]);

export function looksSecret(name: string): boolean {
  return KNOWN.has(name.toUpperCase()) || SECRET.test(name);
}
