"""PyTorch side of bench/engine/run.ts: the same models, batches and steps, timed the same way.

Usage: python3 bench/engine/reference.py CASE THREADS STEPS [WARMUP]  ->  one JSON line {"ms": [per-step times]}
CASE: cnn | nb201 | lstm | tinyop. Data is random, made once and kept in memory (as on the naskit side).
CASE tinyop-instr (STEPS = N): no timing, for run.ts's count of instructions under callgrind: a
warm-up, then os.getppid() as a marker (callgrind dumps its counters there), N torch.add calls,
the marker, 2N calls, the marker, N, the marker, 2N, the marker.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from nb201_torch import TinyNetwork  # noqa: E402

ARCH_11 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|'


def small_cnn(c=32, cin=3, classes=10):
    """naskit's SmallCnn: conv3x3-BN-ReLU blocks of C, 2C, 4C, 4C channels, two max pools, GAP, dropout, linear."""
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
    return nn.Sequential(*block(cin, c), nn.MaxPool2d(2), *block(c, 2 * c), nn.MaxPool2d(2), *block(2 * c, 4 * c), *block(4 * c, 4 * c),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * c, classes))


def image_step(model, batch=64):
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)

    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()
    return step


class Controller(nn.Module):
    """An ENAS-style LSTM controller: 6 decisions among 5 operations, hidden size 64."""
    def __init__(self, hidden=64, ops=5, decisions=6):
        super().__init__()
        self.embedding = nn.Embedding(ops + 1, hidden)
        self.cell = nn.LSTMCell(hidden, hidden)
        self.head = nn.Linear(hidden, ops)
        self.decisions = decisions
        self.hidden = hidden

    def forward(self, actions):
        h = torch.zeros(1, self.hidden)
        c = torch.zeros(1, self.hidden)
        token = torch.zeros(1, dtype=torch.long)
        logp = 0
        for k in range(self.decisions):
            h, c = self.cell(self.embedding(token), (h, c))
            logits = self.head(h)
            logp = logp + F.log_softmax(logits, dim=1)[0, actions[k]]
            token = torch.tensor([actions[k] + 1])
        return logp


def lstm_step():
    model = Controller()
    opt = torch.optim.Adam(model.parameters(), lr=3.5e-4)
    actions = [3, 1, 4, 0, 2, 3]

    def step():
        loss = -model(actions) * 0.7
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def main():
    case, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if case == 'tinyop-instr':
        a = torch.ones(1)
        b = torch.ones(1)

        def loop(count):
            for _ in range(count):
                torch.add(a, b)
        loop(20000)
        for count in (steps, 2 * steps, steps, 2 * steps):
            os.getppid()
            loop(count)
        os.getppid()
        return
    if case == 'tinyop':
        a = torch.ones(1)
        b = torch.ones(1)
        n = 100_000
        times = []
        for _ in range(steps):
            t = time.perf_counter()
            for _ in range(n):
                torch.add(a, b)
            times.append((time.perf_counter() - t) / n * 1000)
        print(json.dumps({'ms': times}))
        return
    step = {'cnn': lambda: image_step(small_cnn()), 'nb201': lambda: image_step(TinyNetwork(ARCH_11)), 'lstm': lstm_step}[case]()
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'ms': times}))


if __name__ == '__main__':
    main()
