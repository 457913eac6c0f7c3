"""Which proxy's top k holds the cells that train best in a short training (the main job's choice of warm start).

On the architectures scored in bench/results/proxies/cifar10-C8-N1-B64.jsonl, repeatedly: draw S of
them (seeded), keep the proxy's top K, pick among those the cell with the best cifar10_valid_12ep
(a stand-in for a perfect low-fidelity trial) and record its cifar10_test_12ep (12-epoch test
accuracy, the nearest table column to a 6-epoch retraining). Prints the mean over the draws, the
worst draw, and the mean number of 3x3 convolutions in the top K.

Run: python3 bench/proxies/warm-start-pick.py [data dir]   (default ../shared/data)
"""
import csv
import json
import random
import statistics
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[2]
data = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / 'shared' / 'data'
rows = {int(r['index']): r for r in csv.DictReader(open(data / 'nb201' / 'nb201_tss.csv'))}
scored = [json.loads(line) for line in open(root / 'bench' / 'results' / 'proxies' / 'cifar10-C8-N1-B64.jsonl')]


def score(entry, proxy):
    v = entry['scores'][proxy]
    return float('-inf') if v is None or v != v else v


DRAWS, SAMPLE, TOP = 300, 500, 10
print(f'{len(scored)} scored architectures; {DRAWS} draws of {SAMPLE}, top {TOP}')
for proxy in ['synflow', 'naswot', 'jacob_cov', 'zen', 'params']:
    picks, convs = [], []
    for seed in range(DRAWS):
        rng = random.Random(seed)
        top = sorted(rng.sample(scored, SAMPLE), key=lambda e: -score(e, proxy))[:TOP]
        best = max(top, key=lambda e: float(rows[e['index']]['cifar10_valid_12ep']))
        picks.append(float(rows[best['index']]['cifar10_test_12ep']))
        convs.append(statistics.mean(e['arch'].count('conv_3x3') for e in top))
    print(f'{proxy:10s} pick test_12ep mean {statistics.mean(picks):.2f} worst {min(picks):.2f}; 3x3 convolutions in the top {statistics.mean(convs):.2f}')
