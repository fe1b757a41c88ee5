// A generated conda-forge for `envgen lock` to solve against: the pytorch slice (pytorch,
// libtorch and what they depend on, down to libgcc), in the record shape of
// fixtures/channels. Deterministic: build hashes, checksums and sizes are hashes of the
// names, so every run solves the same channel.
//
// Size: every torch release from 1.9 to 2.9 (30) x Python 3.9-3.13 x CUDA 11.8-12.9 (6) and
// CPU builds x 4 build numbers, on both platforms. That is a superset of what conda-forge
// publishes (it has no CUDA 12.9 build of torch 1.9, for one), chosen so the solver sees at
// least as many pytorch candidates as conda-forge's several thousand: about 7,000 records for
// linux-64 and 6,500 for linux-aarch64, 6 to 7 MB of repodata.json each.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The models the benchmark locks. Each is a combination the resolver accepts for conda-forge,
 * and the channel holds its builds: `pytorch=2.5.1=cuda126*`, `cuda-version=12.6`, and so on.
 */
export const LOCK_SPEC = `version: 1
models:
  gpu:
    torch: "2.5"
    cuda: "12.6"
    python: "3.11"
    source: conda-forge
  cpu:
    torch: "2.5"
    cuda: cpu
    python: "3.12"
    source: conda-forge
  arm:
    torch: "2.8"
    cuda: "12.9"
    python: "3.13"
    source: conda-forge
    platform: linux-aarch64
  older:
    torch: "2.4"
    cuda: "12.0"
    python: "3.10"
    source: conda-forge
    conda: ["numpy<2", sympy]
`;

const SUBDIRS = ['linux-64', 'linux-aarch64'];
const PYTHONS = ['3.9', '3.10', '3.11', '3.12', '3.13'];
const CUDAS = ['11.8', '12.0', '12.4', '12.6', '12.8', '12.9'];
const TORCH = [
  ...['1.9.0', '1.9.1', '1.10.0', '1.10.1', '1.10.2', '1.11.0', '1.12.0', '1.12.1'],
  ...['1.13.0', '1.13.1', '2.0.0', '2.0.1', '2.1.0', '2.1.1', '2.1.2', '2.2.0', '2.2.1'],
  ...['2.2.2', '2.3.0', '2.3.1', '2.4.0', '2.4.1', '2.5.0', '2.5.1', '2.6.0', '2.7.0'],
  ...['2.7.1', '2.8.0', '2.9.0', '2.9.1'],
];
const TORCH_BUILDS = 4;
const GLIBC = '__glibc >=2.17,<3.0.a0';
const GCC = ['13.2.0', '13.3.0', '14.1.0', '14.2.0', '15.1.0'];

/** `X.Y.0`...`X.Y.(n-1)`. */
const patches = (minor, n) => Array.from({ length: n }, (_, i) => `${minor}.${i}`);
const hex = (text, algorithm = 'sha256') => createHash(algorithm).update(text).digest('hex');
/** A conda-forge-looking build hash: `h` and 7 hex digits. */
const h = (...parts) => `h${hex(parts.join('/')).slice(0, 7)}`;
const cp = (py) => `cp${py.replace('.', '')}`;
const pyDeps = (py) => {
  const [major, minor] = py.split('.').map(Number);
  return [`python >=${py},<${major}.${minor + 1}.0a0`, `python_abi ${py}.* *_${cp(py)}`];
};
/** `1.2.3` -> `1.3.0a0`: the upper bound of a minor pin. */
const nextMinor = (version) => {
  const [major, minor] = version.split('.').map(Number);
  return `${major}.${minor + 1}.0a0`;
};
/** `1.2.3` -> `1.2.4.0a0`: the upper bound of a patch pin. */
const nextPatch = (version) => {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major}.${minor}.${patch + 1}.0a0`;
};
/** Whether torch `version` is `since` or later: what a release depends on changes by era. */
const era = (version, since) => TORCH.indexOf(version) >= TORCH.indexOf(since);

class Channel {
  constructor() {
    this.subdirs = new Map();
  }

  /** Adds one record; returns its build string, for exact pins. */
  add(subdir, name, version, build, buildNumber, { depends = [], constrains, noarch } = {}) {
    const file = `${name}-${version}-${build}.conda`;
    const records = this.subdirs.get(subdir) ?? new Map();
    this.subdirs.set(subdir, records);
    records.set(file, {
      build,
      build_number: buildNumber,
      ...(constrains ? { constrains } : {}),
      depends,
      license: 'generated',
      md5: hex(file, 'md5'),
      name,
      ...(noarch ? { noarch } : {}),
      sha256: hex(file),
      size: 10_000 + (Number.parseInt(hex(file).slice(0, 8), 16) % 50_000_000),
      subdir,
      // Newer releases later, as on the real channel: solvers break ties on it.
      timestamp: 1_600_000_000_000 + records.size * 60_000,
      version,
    });
    return build;
  }

  /** A package built like most C libraries: `h<hash>_<n>`, several versions and rebuilds. */
  lib(subdir, name, versions, buildNumbers, depends = () => []) {
    for (const version of versions) {
      for (let n = 0; n < buildNumbers; n++) {
        this.add(subdir, name, version, `${h(subdir, name, version)}_${n}`, n, {
          depends: [GLIBC, ...depends(version)],
        });
      }
    }
  }

  write(dir) {
    const counts = {};
    for (const [subdir, records] of this.subdirs) {
      const sorted = Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : 1)));
      mkdirSync(join(dir, subdir), { recursive: true });
      writeFileSync(
        join(dir, subdir, 'repodata.json'),
        JSON.stringify({
          info: { subdir },
          packages: {},
          'packages.conda': sorted,
          removed: [],
          repodata_version: 1,
        }),
      );
      counts[subdir] = records.size;
    }
    return counts;
  }
}

/** Writes the channel under `dir` (`dir/linux-64/repodata.json`, ...); records per subdir. */
export function writeChannel(dir) {
  const channel = new Channel();
  noarch(channel);
  for (const subdir of SUBDIRS) {
    system(channel, subdir);
    cuda(channel, subdir);
    pythons(channel, subdir);
    torch(channel, subdir);
  }
  return channel.write(dir);
}

function noarch(c) {
  const python = (name, versions, depends = () => []) => {
    for (const version of versions) {
      for (let n = 0; n < 2; n++) {
        c.add('noarch', name, version, `pyhd8ed1ab_${n}`, n, {
          depends: ['python >=3.9', ...depends(version)],
          noarch: 'python',
        });
      }
    }
  };
  python('typing_extensions', [...patches('4.12', 3), ...patches('4.13', 3), '4.14.0', '4.14.1']);
  python('typing_extensions', ['4.5.0', '4.6.3', '4.7.1', '4.8.0', '4.9.0', '4.10.0', '4.11.0']);
  python('mpmath', ['1.2.1', '1.3.0']);
  python('sympy', ['1.11.1', '1.12', '1.12.1', ...patches('1.13', 4), '1.14.0'], () => [
    '__unix',
    'gmpy2 >=2.0.8',
    'mpmath >=0.19',
  ]);
  python('networkx', ['2.8.8', '3.0', '3.1', '3.2', '3.2.1']);
  python('networkx', ['3.3', '3.4', '3.4.1', '3.4.2', '3.5'], () => ['python >=3.10']);
  python('jinja2', patches('3.1', 7).slice(2), () => ['markupsafe >=2.0']);
  python('filelock', [
    ...patches('3.12', 5),
    ...patches('3.13', 5),
    ...patches('3.16', 2),
    '3.18.0',
  ]);
  python('fsspec', ['2023.6.0', '2023.9.2', '2023.10.0', '2023.12.2', '2024.2.0', '2024.3.1']);
  python('fsspec', ['2024.5.0', '2024.6.1', '2024.9.0', '2024.10.0', '2024.12.0', '2025.2.0']);
  python('fsspec', ['2025.3.0', '2025.3.2', '2025.5.0', '2025.5.1']);
  python(
    'pip',
    ['23.0.1', '23.1.2', '23.2.1', '23.3.2', '24.0', '24.1.2', '24.2', '24.3.1'],
    () => ['setuptools', 'wheel'],
  );
  python('pip', ['25.0', '25.0.1', '25.1', '25.1.1'], () => ['setuptools', 'wheel']);
  python('setuptools', ['65.6.3', '67.8.0', '68.2.2', '69.5.1', '70.3.0', '71.0.4', '72.1.0']);
  python('setuptools', ['73.0.1', '74.1.2', '75.1.0', '75.6.0', '75.8.0', '78.1.0', '80.9.0']);
  python('wheel', ['0.40.0', '0.41.3', '0.42.0', '0.43.0', '0.44.0', '0.45.1']);
  python('packaging', ['23.0', '23.1', '23.2', '24.0', '24.1', '24.2', '25.0']);
  for (const version of ['2023c', '2024a', '2024b', '2025a', '2025b']) {
    c.add('noarch', 'tzdata', version, 'h0c530f3_0', 0, { noarch: 'generic' });
  }
  for (const version of ['2024.2.2', '2024.7.4', '2024.8.30', '2024.12.14', '2025.1.31']) {
    c.add('noarch', 'ca-certificates', version, 'hbcca054_0', 0, {
      depends: ['__unix'],
      noarch: 'generic',
    });
  }
  // The CUDA runtime's platform half is noarch on conda-forge.
  for (const subdir of SUBDIRS) {
    for (const minor of CUDAS.slice(1)) {
      for (const version of cudaPatches(minor)) {
        c.add('noarch', `cuda-cudart_${subdir}`, version, `${h('cudart', subdir, version)}_0`, 0, {
          depends: [`cuda-version >=${minor},<${nextMinor(minor)}`],
          noarch: 'generic',
        });
      }
    }
  }
}

/** The C and C++ libraries under Python and torch, with the pins conda-forge uses between them. */
function system(c, subdir) {
  const x86 = subdir === 'linux-64';
  const gcc = ['libgcc >=13'];
  const cxx = ['libgcc >=13', 'libstdcxx >=13'];
  // libgcc, libgomp and libstdcxx of one GCC release are pinned to each other exactly.
  for (const version of GCC) {
    for (let n = 0; n < 2; n++) {
      const build = `${h('gcc', subdir, version)}_${n}`;
      c.add(subdir, 'libgcc', version, build, n, {
        depends: [GLIBC, '_openmp_mutex >=4.5'],
        constrains: [`libgomp ${version} ${build}`],
      });
      c.add(subdir, 'libgomp', version, build, n, { depends: [GLIBC] });
      c.add(subdir, 'libstdcxx', version, build, n, { depends: [`libgcc ${version} ${build}`] });
      c.add(subdir, 'libgfortran5', version, build, n, { depends: [`libgcc >=${version}`] });
    }
  }
  c.add(subdir, '_openmp_mutex', '4.5', '1_gnu', 1, { depends: ['libgomp >=7.5.0'] });
  c.add(subdir, '_openmp_mutex', '4.5', '2_gnu', 2, { depends: ['libgomp >=7.5.0'] });
  c.add(subdir, '_openmp_mutex', '4.5', '2_kmp_llvm', 2, { depends: ['llvm-openmp >=9.0.1'] });
  c.lib(subdir, 'llvm-openmp', ['15.0.7', '16.0.6', '17.0.6', '18.1.8', '19.1.7', '20.1.8'], 2);
  c.lib(subdir, `ld_impl_${subdir}`, ['2.40', '2.43', '2.44'], 3);
  c.lib(subdir, 'bzip2', ['1.0.8'], 8, () => gcc);
  c.lib(subdir, 'libzlib', ['1.2.13', '1.3', '1.3.1'], 3, () => gcc);
  c.lib(subdir, 'liblzma', ['5.4.6', '5.6.2', '5.6.3', '5.8.1'], 2, () => gcc);
  c.lib(subdir, 'libffi', ['3.4.2', '3.4.4', '3.4.6'], 2, () => gcc);
  c.lib(subdir, 'libexpat', ['2.6.2', '2.6.3', '2.6.4', '2.7.0'], 2, () => gcc);
  c.lib(subdir, 'libsqlite', ['3.45.3', '3.46.1', '3.47.2', '3.49.2', '3.50.1'], 2, () => [
    ...gcc,
    'libzlib >=1.3.1,<2.0a0',
  ]);
  c.lib(subdir, 'libuuid', ['2.38.1'], 2, () => gcc);
  c.lib(subdir, 'libnsl', ['2.0.1'], 2, () => gcc);
  c.lib(subdir, 'libxcrypt', ['4.4.36'], 2, () => gcc);
  c.lib(subdir, 'libmpdec', ['4.0.0'], 2, () => gcc);
  c.lib(subdir, 'libiconv', ['1.17', '1.18'], 2, () => gcc);
  c.lib(subdir, 'ncurses', ['6.4', '6.4.20240210', '6.5'], 3, () => gcc);
  c.lib(subdir, 'readline', ['8.2'], 3, () => [...gcc, 'ncurses >=6.5,<7.0a0']);
  c.lib(subdir, 'tk', ['8.6.13'], 3, () => [...gcc, 'libzlib >=1.3.1,<2.0a0']);
  c.lib(subdir, 'openssl', ['3.1.4', '3.2.1', '3.3.2', '3.4.1', '3.5.0'], 3, () => [
    ...gcc,
    'ca-certificates',
  ]);
  c.lib(subdir, 'icu', ['73.2', '75.1'], 2, () => cxx);
  c.lib(subdir, 'libxml2', ['2.12.7'], 3, () => [
    ...cxx,
    'icu >=73.2,<74.0a0',
    'libiconv >=1.17,<2.0a0',
    'liblzma >=5.4.6,<6.0a0',
    'libzlib >=1.2.13,<2.0a0',
  ]);
  c.lib(subdir, 'libxml2', ['2.13.5', '2.13.8'], 3, () => [
    ...cxx,
    'icu >=75.1,<76.0a0',
    'libiconv >=1.17,<2.0a0',
    'liblzma >=5.6.3,<6.0a0',
    'libzlib >=1.3.1,<2.0a0',
  ]);
  c.lib(subdir, 'libhwloc', ['2.9.3', '2.10.0', '2.11.1', '2.11.2'], 2, () => [
    ...cxx,
    'libxml2 >=2.12.7,<3.0a0',
  ]);
  c.lib(subdir, 'tbb', ['2021.10.0', '2021.11.0', '2021.12.0', '2021.13.0', '2022.0.0'], 2, () => [
    ...cxx,
    'libhwloc >=2.9.3,<3.0a0',
  ]);
  c.lib(subdir, 'gmp', ['6.2.1', '6.3.0'], 2, () => cxx);
  c.lib(subdir, 'mpfr', ['4.2.1'], 3, () => [...gcc, 'gmp >=6.3.0,<7.0a0']);
  c.lib(subdir, 'libmpc', ['1.3.1'], 3, () => [
    ...gcc,
    'gmp >=6.3.0,<7.0a0',
    'mpfr >=4.2.1,<5.0a0',
  ]);
  c.lib(subdir, 'sleef', ['3.5.1', '3.6.1', '3.7', '3.8', '3.9.0'], 3, () => [
    ...cxx,
    '_openmp_mutex >=4.5',
  ]);
  c.lib(subdir, 'libuv', ['1.48.0', '1.49.2', '1.50.0', '1.51.0'], 2, () => gcc);
  for (const version of ABSEIL) {
    for (let n = 0; n < 2; n++) {
      c.add(subdir, 'libabseil', version, `cxx17_${h('absl', subdir, version)}_${n}`, n, {
        depends: [GLIBC, ...cxx],
        constrains: [`abseil-cpp =${version}`],
      });
    }
  }
  for (const [version, abseil] of PROTOBUF) {
    c.lib(subdir, 'libprotobuf', [version], 2, () => [
      ...cxx,
      `libabseil >=${abseil},<${Number(abseil.split('.')[0]) + 1}.0a0`,
      'libabseil * cxx17*',
      'libzlib >=1.3.1,<2.0a0',
    ]);
  }
  if (x86) {
    c.lib(subdir, 'mkl', ['2023.2.0', '2024.0.0', '2024.1.0'], 2, () => [
      '_openmp_mutex * *_llvm',
      '_openmp_mutex >=4.5',
      'llvm-openmp >=16.0.6',
      'tbb 2021.*',
    ]);
    c.lib(subdir, 'mkl', ['2024.2.2', '2025.0.1'], 2, () => [
      '_openmp_mutex * *_llvm',
      '_openmp_mutex >=4.5',
      'llvm-openmp >=19.1.2',
      'tbb >=2021.13.0',
    ]);
  }
  c.lib(subdir, 'libopenblas', ['0.3.25', '0.3.27', '0.3.28', '0.3.29', '0.3.30'], 2, () => [
    'libgcc >=14',
    'libgfortran5 >=14.2.0',
  ]);
  // The BLAS switchboard: one build number carries openblas or mkl, and libcblas and liblapack
  // follow libblas's choice exactly.
  for (let n = 20; n < 32; n++) {
    for (const blas of x86 ? ['openblas', 'mkl'] : ['openblas']) {
      const build = `${n}_${h('blas', subdir, n, blas)}_${blas}`;
      const impl =
        blas === 'mkl'
          ? n < 26
            ? 'mkl >=2023.2.0,<2024.0a0'
            : 'mkl >=2024.2.2,<2025.0a0'
          : 'libopenblas >=0.3.27,<1.0a0';
      c.add(subdir, 'libblas', '3.9.0', build, n, {
        depends: [impl],
        constrains: [`libcblas 3.9.0 ${build}`, `liblapack 3.9.0 ${build}`],
      });
      c.add(subdir, 'libcblas', '3.9.0', build, n, { depends: [`libblas 3.9.0 ${build}`] });
      c.add(subdir, 'liblapack', '3.9.0', build, n, { depends: [`libblas 3.9.0 ${build}`] });
    }
  }
}

const ABSEIL = ['20240116.2', '20240722.0', '20250127.1'];
/** libprotobuf and the abseil it was built with; torch eras take one each. */
const PROTOBUF = [
  ['4.25.3', '20240116.2'],
  ['5.27.5', '20240722.0'],
  ['5.28.3', '20240722.0'],
  ['5.29.3', '20250127.1'],
];
const CUDA_LIBS = [
  'cuda-cudart',
  'cuda-cupti',
  'cuda-nvrtc',
  'cuda-nvtx',
  'libcublas',
  'libcufft',
  'libcurand',
  'libcusolver',
  'libcusparse',
];
const NCCL = ['2.18.3.1', '2.19.3.1', '2.20.5.1', '2.21.5.1', '2.22.3.1', '2.23.4.1', '2.27.3.1'];
/** Three releases of each CUDA component per CUDA minor (numbered after the CUDA version). */
const cudaPatches = (minor) => [21, 54, 77].map((p) => `${minor}.${p}`);

function cuda(c, subdir) {
  const cudaVersions = ['11.2', '11.4', '11.6', '11.7', '11.8', ...patches('12', 10)];
  for (const version of cudaVersions) {
    for (let n = 1; n <= 3; n++) {
      c.add(subdir, 'cuda-version', version, `${h('cv', version)}_${n}`, n, {
        constrains: [`cudatoolkit ${version}|${version}.*`, `__cuda >=${version.split('.')[0]}`],
      });
    }
  }
  c.lib(subdir, 'cudatoolkit', ['11.8.0'], 4, () => [
    '__cuda >=11',
    'cuda-version >=11.8,<11.9.0a0',
    'libgcc >=13',
    'libstdcxx >=13',
  ]);
  for (const minor of CUDAS.slice(1)) {
    for (const name of CUDA_LIBS) {
      c.lib(subdir, name, cudaPatches(minor), 2, (version) => [
        `cuda-version >=${minor},<${nextMinor(minor)}`,
        'libgcc >=13',
        'libstdcxx >=13',
        ...(name === 'cuda-cudart' ? [`cuda-cudart_${subdir} ${version}.*`] : []),
        ...(name === 'libcusolver' ? [`libcublas >=${minor}.21,<13.0a0`] : []),
      ]);
    }
  }
  // cuDNN and NCCL are built once per CUDA major.
  for (const major of ['11', '12']) {
    const pin = major === '11' ? 'cuda-version >=11.8,<12.0a0' : 'cuda-version >=12.0,<13.0a0';
    const runtime = major === '11' ? ['cudatoolkit 11.*'] : ['cuda-nvrtc', 'libcublas'];
    c.lib(subdir, 'cudnn', ['8.8.0.121', '8.9.2.26', '8.9.7.29'], 2, () => [pin, ...runtime]);
    c.lib(subdir, 'cudnn', ['9.1.1.17', '9.2.1.18', '9.3.0.75', '9.8.0.87', '9.10.1.4'], 2, () => [
      pin,
      ...runtime,
      'libzlib >=1.3.1,<2.0a0',
    ]);
    c.lib(subdir, 'nccl', NCCL, 2, () => [pin, 'libgcc >=13', 'libstdcxx >=13']);
  }
  // MAGMA is built per CUDA minor.
  for (const minor of CUDAS) {
    const pin =
      minor === '11.8'
        ? ['cudatoolkit >=11.8,<12', 'cuda-version >=11.8,<12']
        : [`cuda-version >=${minor},<13`, `libcublas >=${minor}.21,<13.0a0`];
    for (const version of ['2.7.1', '2.7.2', '2.8.0', '2.9.0']) {
      for (let n = 0; n < 2; n++) {
        c.add(subdir, 'libmagma', version, `${h('magma', subdir, version, minor)}_${n}`, n, {
          depends: [GLIBC, '_openmp_mutex >=4.5', 'libgcc >=13', 'libstdcxx >=13', ...pin],
        });
      }
    }
  }
}

const NUMPY = [
  ...[...patches('1.22', 5), ...patches('1.23', 6), ...patches('1.24', 5)],
  ...[...patches('1.25', 3), ...patches('1.26', 5), ...patches('2.0', 3)],
  ...[...patches('2.1', 4), ...patches('2.2', 7), ...patches('2.3', 3)],
];

function pythons(c, subdir) {
  // 3.9.0-3.9.23, 3.10.0-3.10.18, ..., 3.13.0-3.13.5.
  const patchCounts = [24, 19, 14, 12, 6];
  for (const [i, py] of PYTHONS.entries()) {
    for (let n = 4; n <= 7; n++) {
      c.add(subdir, 'python_abi', py, `${n}_${cp(py)}`, n, {
        constrains: [`python ${py}.* *_cpython`],
      });
    }
    for (const version of patches(py, patchCounts[i])) {
      for (let n = 0; n < 2; n++) {
        c.add(subdir, 'python', version, `${h('python', subdir, version)}_${n}_cpython`, n, {
          depends: [
            GLIBC,
            'bzip2 >=1.0.8,<2.0a0',
            `ld_impl_${subdir} >=2.36.1`,
            'libexpat >=2.6.2,<3.0a0',
            'libffi >=3.4,<4.0a0',
            'libgcc >=13',
            'liblzma >=5.6.2,<6.0a0',
            'libnsl >=2.0.1,<2.1.0a0',
            'libsqlite >=3.46.1,<4.0a0',
            'libuuid >=2.38.1,<3.0a0',
            'libxcrypt >=4.4.36',
            'libzlib >=1.3.1,<2.0a0',
            ...(py === '3.13' ? ['libmpdec >=4.0.0,<5.0a0'] : []),
            'ncurses >=6.5,<7.0a0',
            'openssl >=3.3.2,<4.0a0',
            'readline >=8.2,<9.0a0',
            'tk >=8.6.13,<8.7.0a0',
            'tzdata',
            `python_abi ${py}.* *_${cp(py)}`,
          ],
        });
      }
    }
    const perPython = (name, versions, buildNumbers, depends = () => []) => {
      for (const version of versions) {
        for (let n = 0; n < buildNumbers; n++) {
          const build = `py${cp(py).slice(2)}${h(subdir, name, version, py)}_${n}`;
          c.add(subdir, name, version, build, n, {
            depends: [GLIBC, 'libgcc >=13', ...pyDeps(py), ...depends(version)],
          });
        }
      }
    };
    const blas = ['libblas >=3.9.0,<4.0a0', 'libcblas >=3.9.0,<4.0a0', 'liblapack >=3.9.0,<4.0a0'];
    perPython('numpy', NUMPY, 2, () => [...blas, 'libstdcxx >=13']);
    perPython('optree', ['0.11.0', '0.12.1', '0.13.0', '0.13.1', '0.14.0', '0.15.0'], 2, () => [
      'libstdcxx >=13',
      'typing_extensions >=4.5',
    ]);
    perPython('pybind11', ['2.11.1', '2.12.0', '2.13.1', '2.13.6'], 2);
    perPython('markupsafe', ['2.1.3', '2.1.5', '3.0.1', '3.0.2'], 2);
    perPython('gmpy2', ['2.1.5', '2.2.1'], 2, () => [
      'gmp >=6.3.0,<7.0a0',
      'libmpc >=1.3.1,<2.0a0',
      'mpfr >=4.2.1,<5.0a0',
    ]);
  }
}

/**
 * pytorch and libtorch: each torch release in every variant (CUDA with MKL on linux-64 and
 * generic BLAS on linux-aarch64, CPU both ways on linux-64), each rebuilt TORCH_BUILDS times.
 * As on conda-forge, CUDA builds have the highest build numbers, so a solver prefers them
 * wherever `__cuda` exists, and pytorch pins its libtorch build exactly.
 */
function torch(c, subdir) {
  const x86 = subdir === 'linux-64';
  const blasKind = x86 ? 'mkl' : 'generic';
  const variants = [
    ...CUDAS.map((minor) => ({
      cuda: minor,
      tag: `cuda${minor.replace('.', '')}_${blasKind}`,
      base: 300,
    })),
    ...(x86 ? [{ cuda: null, tag: 'cpu_mkl', base: 100 }] : []),
    { cuda: null, tag: 'cpu_generic', base: 0 },
  ];
  for (const version of TORCH) {
    const protobuf = PROTOBUF[['2.2.0', '2.5.0', '2.7.0'].filter((s) => era(version, s)).length];
    for (const { cuda, tag, base } of variants) {
      const mkl = tag.endsWith('mkl');
      const cudaDeps = !cuda
        ? []
        : cuda === '11.8'
          ? ['__cuda', 'cudatoolkit >=11.8,<12', 'cuda-version >=11.8,<12']
          : [
              '__cuda',
              ...CUDA_LIBS.map((name) => `${name} >=${cuda}.21,<13.0a0`),
              `cuda-version >=${cuda},<13`,
            ];
      const gpuDeps = !cuda
        ? []
        : [
            era(version, '2.3.0') ? 'cudnn >=9.1.1.17,<10.0a0' : 'cudnn >=8.8.0.121,<9.0a0',
            era(version, '2.7.0')
              ? 'libmagma >=2.9.0,<2.9.1.0a0'
              : era(version, '2.3.0')
                ? 'libmagma >=2.8.0,<2.8.1.0a0'
                : 'libmagma >=2.7.1,<2.7.3.0a0',
            'nccl >=2.18.3.1,<3.0a0',
          ];
      const blasDeps = [
        ...(mkl
          ? [
              'libblas * *mkl',
              era(version, '2.5.0') ? 'mkl >=2024.2.2,<2025.0a0' : 'mkl >=2023.2.0,<2024.0a0',
              'llvm-openmp >=16.0.6',
            ]
          : ['libblas >=3.9.0,<4.0a0', '_openmp_mutex >=4.5']),
        'libcblas >=3.9.0,<4.0a0',
      ];
      const sleef = era(version, '2.2.0') ? 'sleef >=3.6.1,<4.0a0' : 'sleef >=3.5.1,<4.0a0';
      const constrains = cuda
        ? ['pytorch-cpu <0.0a0', 'pytorch-gpu =99999999']
        : ['pytorch-gpu <0.0a0', 'pytorch-cpu =99999999'];
      for (let i = 0; i < TORCH_BUILDS; i++) {
        const n = base + i;
        const libtorch = c.add(
          subdir,
          'libtorch',
          version,
          `${tag}_${h('libtorch', subdir, version, tag)}_${n}`,
          n,
          {
            depends: [
              GLIBC,
              ...cudaDeps,
              ...gpuDeps,
              ...blasDeps,
              `libabseil >=${protobuf[1]},<${Number(protobuf[1].split('.')[0]) + 1}.0a0`,
              'libabseil * cxx17*',
              `libprotobuf >=${protobuf[0]},<${nextPatch(protobuf[0])}`,
              'liblapack >=3.9.0,<4.0a0',
              'libgcc >=13',
              'libstdcxx >=13',
              'libuv >=1.48.0,<2.0a0',
              'libzlib >=1.3.1,<2.0a0',
              sleef,
            ],
            constrains,
          },
        );
        for (const py of PYTHONS) {
          c.add(
            subdir,
            'pytorch',
            version,
            `${tag}_py${cp(py).slice(2)}_${h('pytorch', subdir, version, tag, py)}_${n}`,
            n,
            {
              depends: [
                GLIBC,
                ...cudaDeps,
                ...blasDeps,
                'filelock',
                'fsspec',
                'jinja2',
                'libgcc >=13',
                'libstdcxx >=13',
                `libtorch ${version} ${libtorch}`,
                'networkx',
                'numpy >=1.19,<3',
                ...(era(version, '2.5.0') ? ['optree >=0.13.0'] : []),
                'pybind11',
                ...pyDeps(py),
                'setuptools',
                sleef,
                era(version, '2.5.0') ? 'sympy >=1.13.1,!=1.13.2' : 'sympy',
                era(version, '2.4.0') ? 'typing_extensions >=4.10.0' : 'typing_extensions >=4.8.0',
              ],
              constrains,
            },
          );
        }
      }
    }
  }
}
