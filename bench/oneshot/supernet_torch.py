"""The NAS-Bench-201 supernet in PyTorch (xautodl's TinyNetworkDarts with every edge a weighted sum of
the five operations; BatchNorms affine, as naskit's), and its training step: one forward pass with
softmax(alpha), one backward pass to the weights and alpha, an SGD step on the weights and an Adam
step on alpha. The reference for bench/oneshot/step.ts.

Usage: /usr/bin/python3 bench/oneshot/supernet_torch.py THREADS STEPS WARMUP C N BATCH  ->  one JSON line {"ms": [...]}
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit('/', 2)[0] + '/engine')
from nb201_torch import ResNetBasicblock, make_op  # noqa: E402

OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


class SearchCell(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList([nn.ModuleList([make_op(op, c) for op in OPS]) for _ in EDGES])

    def forward(self, x, weights):
        nodes = [x]
        for to in (1, 2, 3):
            terms = []
            for e, (t, f) in enumerate(EDGES):
                if t == to:
                    # `none` adds weight * 0 and passes no gradient: skipped, as naskit's MixedOp does.
                    terms.append(sum(op(nodes[f]) * weights[e, k] for k, op in enumerate(self.edges[e]) if OPS[k] != 'none'))
            nodes.append(sum(terms))
        return nodes[-1]


class Supernet(nn.Module):
    def __init__(self, C, N, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
        self.cells = nn.ModuleList()
        c_prev = C
        for stage, c in enumerate([C, 2 * C, 4 * C]):
            if stage > 0:
                self.cells.append(ResNetBasicblock(c_prev, c, 2))
            for _ in range(N):
                self.cells.append(SearchCell(c))
            c_prev = c
        self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU())
        self.classifier = nn.Linear(c_prev, num_classes)
        self.alpha = nn.Parameter(1e-3 * torch.randn(len(EDGES), len(OPS)))

    def weights_parameters(self):
        return [p for n, p in self.named_parameters() if n != 'alpha']

    def forward(self, x):
        w = F.softmax(self.alpha, dim=-1)
        y = self.stem(x)
        for cell in self.cells:
            y = cell(y, w) if isinstance(cell, SearchCell) else cell(y)
        y = F.adaptive_avg_pool2d(self.lastact(y), 1).flatten(1)
        return self.classifier(y)


def main():
    threads, steps, warmup, C, N, batch = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = Supernet(C, N)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))
    wopt = torch.optim.SGD(net.weights_parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    aopt = torch.optim.Adam([net.alpha], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)

    def step():
        loss = F.cross_entropy(net(x), y)
        wopt.zero_grad(set_to_none=True)
        aopt.zero_grad(set_to_none=True)
        loss.backward()
        wopt.step()
        aopt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    ms = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'ms': ms}))


if __name__ == '__main__':
    main()
