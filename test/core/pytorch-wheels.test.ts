/** One vocabulary of PyTorch's wheel indexes (src/pytorch-wheels.ts): init, compat, audit and build ask it. */
import { describe, expect, it } from 'vitest';
import { pipIndexBuild } from '../../src/audit/rules/environment/conda-env.js';
import {
  cudaLabel,
  cudaOfLabel,
  isPytorchIndex,
  pytorchIndexLabel,
  pytorchIndexUrl,
} from '../../src/pytorch-wheels.js';

describe('pytorch wheel indexes', () => {
  it.each([
    ['12.6', 'cu126', 'https://download.pytorch.org/whl/cu126'],
    ['11.8', 'cu118', 'https://download.pytorch.org/whl/cu118'],
    ['13.0', 'cu130', 'https://download.pytorch.org/whl/cu130'],
    ['cpu', 'cpu', 'https://download.pytorch.org/whl/cpu'],
  ])('CUDA %s: label %s, index %s', (cuda, label, url) => {
    expect(cudaLabel(cuda)).toBe(label);
    expect(pytorchIndexUrl(label)).toBe(url);
    expect(cudaOfLabel(label)).toBe(cuda);
  });

  it.each([
    ['cu92', '9.2'],
    ['cu102', '10.2'],
    ['cu1210', '12.10'],
    ['cu1', undefined],
    ['cu12345', undefined],
    ['rocm6.2', undefined],
    ['xpu', undefined],
    ['unlabelled', undefined],
  ])('label %s is CUDA %s', (label, cuda) => {
    expect(cudaOfLabel(label)).toBe(cuda);
  });

  it.each([
    // url, its label, PyTorch's index, as the ENV rules read it
    ['https://download.pytorch.org/whl/cu118', 'cu118', true, 'cu118'],
    ['https://download.pytorch.org/whl/cpu/', 'cpu', true, 'cpu'],
    ['https://download.pytorch.org/whl/nightly/cu128', 'cu128', true, 'cu128'],
    ['https://download.pytorch.org/whl/rocm6.2', 'rocm6.2', true, 'rocm6.2'],
    ['https://download.pytorch.org/whl/xpu', 'xpu', true, 'xpu'],
    [
      'https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl',
      'cu121',
      true,
      'cu121',
    ],
    ['https://download.pytorch.org/whl/cu111/torch_stable.html', 'cu111', true, 'cu111'],
    ['https://download.pytorch.org/whl/torch_stable.html', undefined, true, 'unlabelled'],
    ['https://mirrors.nju.edu.cn/pytorch/whl/cu128', 'cu128', true, 'cu128'],
    ['https://mirrors.aliyun.com/pytorch-wheels/cu121', 'cu121', true, 'cu121'],
    ['https://mirror.example.com/pytorch/cu118/simple', 'cu118', true, 'cu118'],
    ['https://artifacts.example.com/whl/cu118', 'cu118', false, undefined],
    ['https://pypi.org/simple', undefined, false, undefined],
    ['--extra-index-url https://download.pytorch.org/whl/cu124', 'cu124', true, 'cu124'],
  ])('%s: label %s, PyTorch index %s, ENV reads %s', (url, label, pytorch, build) => {
    expect(pytorchIndexLabel(url)).toBe(label);
    expect(isPytorchIndex(url)).toBe(pytorch);
    expect(pipIndexBuild(url)).toBe(build);
  });
});
