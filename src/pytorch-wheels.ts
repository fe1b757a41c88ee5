/**
 * The vocabulary of PyTorch's wheel indexes, in one place: where PyTorch serves its pip wheels
 * (`https://download.pytorch.org/whl/<label>`), the build label each index or wheel names
 * (`cu126`, `cpu`, `rocm6.2`, `xpu`), and the CUDA version a label stands for. init reads pins
 * with it, compat writes the index lines, audit and build check and advise with it.
 *
 * PyTorch wheel indexes: https://pytorch.org/get-started/previous-versions/
 */

/** PyTorch's own wheel host; a label's index is a folder below it. */
const PYTORCH_WHEEL_HOST = 'https://download.pytorch.org/whl';

/** The index that serves one build: `cu126` -> `https://download.pytorch.org/whl/cu126`. */
export function pytorchIndexUrl(label: string): string {
  return `${PYTORCH_WHEEL_HOST}/${label}`;
}

/** The label of a CUDA version (or `cpu`): `12.6` -> `cu126`, `cpu` -> `cpu`. */
export function cudaLabel(cuda: string): string {
  return cuda === 'cpu' ? 'cpu' : `cu${cuda.replace('.', '')}`;
}

/**
 * The CUDA version a label stands for: `cu118` -> `11.8`, `cu92` -> `9.2`, `cu130` -> `13.0`,
 * `cpu` -> `cpu`; anything else (rocm, xpu, not a label) is not a CUDA build.
 */
export function cudaOfLabel(label: string): string | undefined {
  if (label === 'cpu') return 'cpu';
  const digits = /^cu(\d{2,4})$/.exec(label)?.[1];
  if (!digits) return undefined;
  const split = digits.startsWith('1') && digits.length > 2 ? 2 : 1;
  return `${digits.slice(0, split)}.${digits.slice(split)}`;
}

const LABEL = '(cu[0-9]+|cpu|rocm[0-9.]+|xpu)';
/** `…/whl/<label>` (also `/whl/nightly/<label>`) and mirrors' `pytorch-wheels/<label>`. */
const WHEEL_FOLDER = new RegExp(
  String.raw`(?:\/whl|pytorch-wheels)(?:\/nightly)?\/${LABEL}(?=\/|$|\?)`,
);
/** On a URL that is PyTorch's, a label anywhere in its path. */
const ANY_FOLDER = new RegExp(String.raw`\/${LABEL}(?=\/|$|\b)`);

/** Whether a package index URL is PyTorch's wheel index or a mirror of it (it names pytorch). */
export function isPytorchIndex(url: string): boolean {
  return /pytorch/i.test(url);
}

/**
 * The build label of a PyTorch wheel index or wheel URL: `…/whl/cu118` -> `cu118`,
 * `…/whl/cpu/torch-2.1.0%2Bcpu-…whl` -> `cpu`; no label (`…/whl/torch_stable.html`, PyPI): undefined.
 */
export function pytorchIndexLabel(url: string): string | undefined {
  return (
    WHEEL_FOLDER.exec(url)?.[1] ?? (isPytorchIndex(url) ? ANY_FOLDER.exec(url)?.[1] : undefined)
  );
}
