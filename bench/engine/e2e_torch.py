"""PyTorch's end-to-end training loop, the reference for `naskit train` in bench/engine/run.ts.

Usage: python3 bench/engine/e2e_torch.py IMAGES LABELS THREADS WORKERS [EPOCHS]  ->  one JSON line
{"images_per_s": ..., "seconds": ..., "images": ...} of the last epoch (EPOCHS, default 2: the first
one warms up, as libtorch picks and caches its kernels for each shape on first use), and
"bare_images_per_s": the median of 8 bare steps on the last batch right after, in the same process

IMAGES is the raw uint8 pixels (N x 3 x 32 x 32) and LABELS the int32 labels that naskit's side
decoded from ../shared/data/cifar10 and wrote for this run, so both loops read the same images. The
loop is what a PyTorch user writes: a Dataset whose __getitem__ augments one image with tensor ops
(zero padding 4 and a random 32x32 crop, a horizontal flip with probability 1/2, /255 and the
CIFAR-10 normalisation NAS-Bench-201 uses, as torchvision's RandomCrop / RandomHorizontalFlip /
ToTensor / Normalize would), a DataLoader (batch 64, shuffled, last partial batch dropped) with
WORKERS worker processes (0: in the training process; kept across epochs), and epochs of the NAS-Bench-201
network of architecture 11 (C=16, N=5) with SGD (lr 0.1, Nesterov momentum 0.9, weight decay
5e-4), a cosine schedule over all steps, cross entropy and loss.item() per step, as naskit's
trainClassifier does. Images/s counts the training images of the last epoch over its seconds.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from nb201_torch import TinyNetwork  # noqa: E402

ARCH_11 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|'
MEAN = torch.tensor([125.3, 123.0, 113.9]).view(3, 1, 1) / 255
BARE_STEPS = 8
STD = torch.tensor([63.0, 62.1, 66.7]).view(3, 1, 1) / 255


class Cifar(Dataset):
    def __init__(self, images, labels):
        self.images = images
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = F.pad(self.images[i], (4, 4, 4, 4))  # uint8, zeros as the padding
        y, x = torch.randint(0, 9, (2,)).tolist()
        img = img[:, y:y + 32, x:x + 32]
        if torch.rand(()) < 0.5:
            img = torch.flip(img, (2,))
        return (img.float().div_(255) - MEAN) / STD, int(self.labels[i])


def main():
    images_path, labels_path, threads, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    labels = np.fromfile(labels_path, dtype=np.int32)
    images = torch.from_numpy(np.fromfile(images_path, dtype=np.uint8).reshape(len(labels), 3, 32, 32))
    loader = DataLoader(Cifar(images, torch.from_numpy(labels)), batch_size=64, shuffle=True, drop_last=True, num_workers=workers,
                        persistent_workers=workers > 0)
    model = TinyNetwork(ARCH_11)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    total = epochs * len(loader)
    model.train()
    step = 0
    for _ in range(epochs):
        seen = 0
        start = time.perf_counter()
        for x, y in loader:
            for group in opt.param_groups:
                group['lr'] = 0.5 * 0.1 * (1 + math.cos(math.pi * step / total))
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
            seen += len(y)
            step += 1
        seconds = time.perf_counter() - start
    # The bare step right after, in the same process and machine state: the last batch, kept in memory.
    times = []
    for _ in range(BARE_STEPS):
        t = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()
        times.append(time.perf_counter() - t)
    bare = len(y) / sorted(times)[len(times) // 2]
    print(json.dumps({'images_per_s': seen / seconds, 'seconds': seconds, 'images': seen, 'bare_images_per_s': bare}))


if __name__ == '__main__':
    main()
