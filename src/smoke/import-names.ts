/**
 * The module a package is imported as, for the smoke check's imports. Most packages import
 * under their own name (with `-` as `_`); these are the well-known exceptions.
 */
const IMPORT_NAMES: Record<string, string | null> = {
  'scikit-learn': 'sklearn',
  'scikit-image': 'skimage',
  pillow: 'PIL',
  pyyaml: 'yaml',
  'opencv-python': 'cv2',
  'opencv-python-headless': 'cv2',
  opencv: 'cv2',
  'py-opencv': 'cv2',
  'opentelemetry-sdk': 'opentelemetry.sdk',
  'opentelemetry-api': 'opentelemetry',
  protobuf: 'google.protobuf',
  libprotobuf: null,
  beautifulsoup4: 'bs4',
  'python-dateutil': 'dateutil',
  'python-dotenv': 'dotenv',
  'python-multipart': 'multipart',
  'msgpack-python': 'msgpack',
  'pytorch-lightning': 'pytorch_lightning',
  lightning: 'lightning',
  torchserve: 'ts',
  'torch-model-archiver': 'model_archiver',
  'sentence-transformers': 'sentence_transformers',
  'huggingface-hub': 'huggingface_hub',
  huggingface_hub: 'huggingface_hub',
  'onnxruntime-gpu': 'onnxruntime',
  'faiss-cpu': 'faiss',
  'faiss-gpu': 'faiss',
  'tensorflow-cpu': 'tensorflow',
  attrs: 'attr',
  pyzmq: 'zmq',
  jinja2: 'jinja2',
  'typing-extensions': 'typing_extensions',
  'importlib-metadata': 'importlib_metadata',
  // Programs and libraries without a Python module.
  pip: null,
  python: null,
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  ffmpeg: null,
  'cuda-version': null,
  'cuda-nvcc': null,
  'cuda-toolkit': null,
  mkl: null,
  'intel-openmp': null,
  libjpeg: null,
  'libjpeg-turbo': null,
  git: null,
  curl: null,
};

/** `transformers>=4.35` -> `transformers`; `uvicorn[standard]` -> `uvicorn`; null: nothing to import. */
export function importNameOf(requirement: string): string | null {
  const name = (
    /^(?:[A-Za-z0-9_.-]+::)?([A-Za-z0-9_.-]+)/.exec(requirement.trim())?.[1] ?? ''
  ).toLowerCase();
  if (!name || name.startsWith('lib') || name.startsWith('_')) return null;
  if (name in IMPORT_NAMES) return IMPORT_NAMES[name] ?? null;
  return name.replaceAll('-', '_').replaceAll('.', '_');
}

/** The modules to import for a model's declared packages, each once, in order. */
export function importsFor(packages: readonly string[]): string[] {
  return [...new Set(packages.map(importNameOf).filter((name): name is string => name !== null))];
}

/**
 * The declared packages for the smoke check: each name (without version or channel) and the
 * module it is most likely imported as. The check itself asks the environment's metadata first.
 */
export function packagesFor(
  requirements: readonly string[],
): { name: string; guess: string | null }[] {
  const seen = new Set<string>();
  const out: { name: string; guess: string | null }[] = [];
  for (const requirement of requirements) {
    const name = (
      /^(?:[A-Za-z0-9_.-]+::)?([A-Za-z0-9_.-]+)/.exec(requirement.trim())?.[1] ?? ''
    ).toLowerCase();
    if (!name || seen.has(name) || NOT_PYTHON.has(name)) continue;
    seen.add(name);
    out.push({ name, guess: importNameOf(requirement) });
  }
  return out;
}

/** Declared packages that are programs or the interpreter, never imported. */
const NOT_PYTHON = new Set(['pip', 'python', 'python-freethreading']);
