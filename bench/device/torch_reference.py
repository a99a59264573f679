#!/usr/bin/env python3
"""PyTorch reference for the GPU-machine benchmark (issue #9, README.md beside this file).

CLIP's ModifiedResNet image tower with random weights, written from the architecture
description: a stem of three 3x3 convs (the first stride 2) and a 2x2 average pool;
bottleneck stages whose stride-2 blocks downsample by average pooling before conv3 and
before the 1x1 shortcut conv; attention pooling whose query is the mean token (with a
learned positional embedding over mean + grid tokens). RN101: layers [3, 4, 23, 3],
width 64, 32 heads, 512-d output, 224 px.

Timed work, per call: B gray views [B,1,S,S] -> RGB -> CLIP normalization -> forward to
layer2, layer3 and the embedding -> the CLIPasso loss (MSE of layer2 and layer3 features
against targets, weight 1 each, + 0.1 * mean(1 - cos) of the embeddings) -> gradient
w.r.t. the views (weights frozen: no weight gradients), as our loss-and-gradient graph
(src/engine/networks/loss-graph.ts). BatchNorm stays a separate eval-mode layer here (ours folds it).
CUDA events, warm-up, median. Prints one JSON line per row.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def conv_bn(cin, cout, k):
    return [nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout)]


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        cout = planes * self.expansion
        self.conv1, self.bn1 = conv_bn(cin, planes, 1)
        self.conv2, self.bn2 = conv_bn(planes, planes, 3)
        # Downsampling is an average pool (not a strided conv), before conv3.
        self.pool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3, self.bn3 = conv_bn(planes, cout, 1)
        self.shortcut = None
        if stride > 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.AvgPool2d(stride) if stride > 1 else nn.Identity(), *conv_bn(cin, cout, 1))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(self.pool(y)))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class AttentionPool(nn.Module):
    """Multi-head attention of the mean token over [mean, grid tokens], then a projection."""

    def __init__(self, grid, dim, heads, out_dim):
        super().__init__()
        self.heads = heads
        self.pos = nn.Parameter(torch.randn(grid * grid + 1, dim) / dim**0.5)
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, out_dim)

    def forward(self, x):
        b, c = x.shape[:2]
        tokens = x.flatten(2).transpose(1, 2)  # [B, HW, C]
        seq = torch.cat([tokens.mean(1, keepdim=True), tokens], 1) + self.pos
        h, d = self.heads, c // self.heads
        q = self.q(seq[:, :1]).view(b, 1, h, d).transpose(1, 2)
        k = self.k(seq).view(b, -1, h, d).transpose(1, 2)
        v = self.v(seq).view(b, -1, h, d).transpose(1, 2)
        attn = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, c))


class ClipResNet(nn.Module):
    def __init__(self, layers=(3, 4, 23, 3), width=64, heads=32, out_dim=512, size=224):
        super().__init__()
        half = width // 2
        self.stem = nn.Sequential(
            nn.Conv2d(3, half, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(half), nn.ReLU(),
            *conv_bn(half, half, 3), nn.ReLU(),
            *conv_bn(half, width, 3), nn.ReLU(),
            nn.AvgPool2d(2),
        )
        cin, stages = width, []
        for i, n in enumerate(layers):
            planes, stride = width * 2**i, 1 if i == 0 else 2
            blocks = [Bottleneck(cin, planes, stride)] + [Bottleneck(planes * 4, planes, 1) for _ in range(n - 1)]
            cin = planes * 4
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.attnpool = AttentionPool(size // 32, width * 32, heads, out_dim)
        self.register_buffer('mean', torch.tensor(CLIP_MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(CLIP_STD).view(1, 3, 1, 1))

    def forward(self, images):
        x = self.stem((images - self.mean) / self.std)
        l2 = self.layer2(self.layer1(x))
        l3 = self.layer3(l2)
        return l2, l3, self.attnpool(self.layer4(l3))


def randomize(model):
    """Small random conv/linear weights, unit BatchNorm variance (as bench/_pipeline-cases.ts)."""
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('weight') and p.dim() == 1:  # BatchNorm gamma
                p.fill_(1)
            else:
                p.copy_(0.02 * (torch.rand(p.shape, generator=g) - 0.5))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_var.fill_(1)
            m.running_mean.zero_()
    return model


def forward_flops(model, size, device):
    """2 x multiply-adds of convs and linears plus the attention matmuls, one 224 image."""
    macs = []

    def conv_hook(m, _inp, out):
        macs.append(out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])

    def linear_hook(m, inp, out):
        macs.append(out.numel() * m.in_features)

    hooks = [m.register_forward_hook(conv_hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    hooks += [m.register_forward_hook(linear_hook) for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size, device=device))
    for h in hooks:
        h.remove()
    tokens = (size // 32) ** 2 + 1
    macs.append(2 * tokens * model.attnpool.proj.in_features)  # q.k and attn.v for the one query
    return 2 * sum(macs)


def loss_and_grad(model, views, targets, size):
    b = views.shape[0]
    images = views.expand(b, 3, size, size)
    l2, l3, emb = model(images)
    loss = F.mse_loss(l2.float(), targets[0]) + F.mse_loss(l3.float(), targets[1])
    loss = loss + 0.1 * (1 - F.cosine_similarity(emb.float(), targets[2], dim=1)).mean()
    (grad,) = torch.autograd.grad(loss, views)
    return loss, grad


def time_mode(model, mode, batch, size, device, warmup, iters):
    cuda = device.type == 'cuda'
    torch.backends.cuda.matmul.allow_tf32 = mode == 'tf32'
    torch.backends.cudnn.allow_tf32 = mode == 'tf32'
    views = torch.rand(batch, 1, size, size, device=device, requires_grad=True)
    with torch.no_grad():  # random targets of the feature shapes, as bench/_pipeline-cases.ts
        shapes = [t.shape for t in model(torch.zeros(batch, 3, size, size, device=device))]
    targets = [torch.rand(s, device=device) for s in shapes]
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=mode == 'bf16')
    times, loss = [], None
    for i in range(warmup + iters):
        if cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
        else:
            t0 = time.perf_counter()
        with autocast:
            loss, grad = loss_and_grad(model, views, targets, size)
        if cuda:
            end.record()
            end.synchronize()
            ms = start.elapsed_time(end)
        else:
            ms = (time.perf_counter() - t0) * 1000
        if i >= warmup:
            times.append(ms)
    finite = bool(torch.isfinite(loss).item() and torch.isfinite(grad).all().item() and grad.abs().sum().item() > 0)
    return statistics.median(times), min(times), finite, float(loss)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--batches', default='5', help='comma-separated B values')
    ap.add_argument('--modes', default='fp32,tf32,bf16', help='fp32 (TF32 off), tf32, bf16 (autocast)')
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--iters', type=int, default=20)
    ap.add_argument('--layers', default='3,4,23,3', help='RN101; 3,4,6,3 is RN50')
    ap.add_argument('--out-dim', type=int, default=512)
    args = ap.parse_args()
    device = torch.device(args.device)
    t0 = time.perf_counter()
    layers = tuple(int(n) for n in args.layers.split(','))
    model = randomize(ClipResNet(layers=layers, out_dim=args.out_dim, size=args.size)).to(device).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    params = sum(p.numel() for p in model.parameters())
    flops1 = forward_flops(model, args.size, device)
    info = {'suite': 'device', 'case': 'torch setup', 'torch': torch.__version__, 'device': args.device, 'layers': list(layers), 'size': args.size, 'parameters': params, 'forward_flops_per_image': flops1, 'ms_setup': round((time.perf_counter() - t0) * 1000)}
    if device.type == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(device)
    print(json.dumps(info), flush=True)
    for batch in (int(b) for b in args.batches.split(',')):
        for mode in args.modes.split(','):
            ms, ms_min, finite, loss = time_mode(model, mode, batch, args.size, device, args.warmup, args.iters)
            flops = 2 * flops1 * batch  # forward + input gradient, as countFlops counts ours
            print(json.dumps({
                'suite': 'device', 'case': 'torch loss-and-gradient', 'model': f'CLIP ModifiedResNet {list(layers)} random weights (layer2 + layer3 + embedding)',
                'mode': mode, 'B': batch, 'ms_median': round(ms, 3), 'ms_min': round(ms_min, 3), 'timed': args.iters, 'flops': flops,
                'gflop_s': round(flops / ms / 1e6, 1), 'finite_nonzero_grad': finite, 'loss': loss,
            }), flush=True)


if __name__ == '__main__':
    main()
