#!/usr/bin/env python3
"""One summary JSON line from run.sh's outputs: our RN101 B=5 time / PyTorch's.

usage: summary.py webgpu.jsonl torch.jsonl
loss_grad: our model phase (ORT webgpu EP loss-and-gradient) vs PyTorch's forward + input
gradient; iteration: our whole iteration (rasterize + model + raster backward + Adam +
overhead) vs the same PyTorch loss-and-gradient alone (no rasterizer there, so this ratio
flatters PyTorch). A ratio > 1 means we are slower. Missing rows give nulls and a reason.
"""
import json
import sys


def rows(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.startswith('{')]
    except OSError:
        return []


def main():
    ours, torch_rows = rows(sys.argv[1]), rows(sys.argv[2])
    adapter = next((r for r in ours if r.get('case') == 'adapter'), {})
    setup = next((r for r in torch_rows if r.get('case') == 'torch setup'), {})
    check = next((r for r in ours if r.get('case') == 'check'), {})
    torch_ms = {r['mode']: r['ms_median'] for r in torch_rows if r.get('case') == 'torch loss-and-gradient' and r.get('B') == 5}
    out = {
        'suite': 'device', 'case': 'summary', 'model': 'CLIP RN101 shape, random weights', 'B': 5,
        'adapter': ' '.join(str(adapter.get(k, '')) for k in ('vendor', 'architecture', 'description')).strip() or None,
        'adapter_is_fallback': adapter.get('is_fallback'), 'ours_check_ok': check.get('ok'), 'torch_gpu': setup.get('gpu'),
        'torch_ms': torch_ms,
    }
    missing = []
    for n in (16, 64):
        found = [r for r in ours if r.get('case') == 'iteration' and r.get('model_key') == 'rn101' and r.get('B') == 5 and r.get('N') == n]
        timed = [r for r in found if 'ms_model' in r]
        if not timed:
            row = found[0] if found else None
            missing.append(f'ours N={n}: ' + (str(row.get('error') or row.get('blocked'))[:200] if row else 'no row'))
            continue
        # One set of keys per precision that ran (float16 on shader-f16 devices, float32).
        for row in timed:
            p = f"N{n}_{row.get('precision', 'float32')}"
            out[f'{p}_ours_ms_model'] = row['ms_model']
            out[f'{p}_ours_ms_iteration'] = row['ms_iteration']
            out[f'{p}_share_non_model'] = row.get('share_non_model')
            for mode, ms in torch_ms.items():
                out[f'{p}_loss_grad_ours_over_torch_{mode}'] = round(row['ms_model'] / ms, 2)
                out[f'{p}_iteration_ours_over_torch_{mode}'] = round(row['ms_iteration'] / ms, 2)
    if not torch_ms:
        missing.append('torch: no B=5 rows')
    if missing:
        out['missing'] = missing
    print(json.dumps(out))


if __name__ == '__main__':
    main()
