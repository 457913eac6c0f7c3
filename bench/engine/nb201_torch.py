"""The NAS-Bench-201 network in PyTorch, as the official code (xautodl's TinyNetwork + InferCell),
used by bench/engine/reference.py as the reference for naskit's Nb201Network."""
import torch
import torch.nn as nn


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, dilation):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, dilation=dilation, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.op(x)


class ResNetBasicblock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv_a = ReLUConvBN(inplanes, planes, 3, stride, 1, 1)
        self.conv_b = ReLUConvBN(planes, planes, 3, 1, 1, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(kernel_size=2, stride=2, padding=0), nn.Conv2d(inplanes, planes, 1, 1, 0, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name, c):
    if name == 'none':
        return Zero()
    if name == 'skip_connect':
        return nn.Identity()
    if name == 'nor_conv_1x1':
        return ReLUConvBN(c, c, 1, 1, 0, 1)
    if name == 'nor_conv_3x3':
        return ReLUConvBN(c, c, 3, 1, 1, 1)
    if name == 'avg_pool_3x3':
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(name)


def parse(arch):
    return [[(p.split('~')[0], int(p.split('~')[1])) for p in node.strip('|').split('|')] for node in arch.split('+')]


class InferCell(nn.Module):
    def __init__(self, arch, c):
        super().__init__()
        self.nodes = parse(arch)
        self.layers = nn.ModuleList()
        self.index = []
        for node in self.nodes:
            idx = []
            for op, src in node:
                idx.append((len(self.layers), src))
                self.layers.append(make_op(op, c))
            self.index.append(idx)

    def forward(self, x):
        nodes = [x]
        for idx in self.index:
            nodes.append(sum(self.layers[l](nodes[s]) for l, s in idx))
        return nodes[-1]


class TinyNetwork(nn.Module):
    def __init__(self, arch, C=16, N=5, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, C, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(C))
        channels = [C] * N + [C * 2] + [C * 2] * N + [C * 4] + [C * 4] * N
        reduction = [False] * N + [True] + [False] * N + [True] + [False] * N
        c_prev = C
        self.cells = nn.ModuleList()
        for c, r in zip(channels, reduction):
            self.cells.append(ResNetBasicblock(c_prev, c, 2) if r else InferCell(arch, c))
            c_prev = c
        self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x)
        x = self.global_pooling(self.lastact(x))
        return self.classifier(x.view(x.size(0), -1))


def count_flops(model, shape=(1, 3, 32, 32)):
    """FLOPs as the official records count them (xautodl's get_model_infos): multiply-adds of
    convolutions and linear layers plus their biases, and pooling layers' input sizes."""
    total = {'conv': 0, 'linear': 0, 'pool': 0}

    def conv_hook(m, i, o):
        total['conv'] += m.kernel_size[0] * m.kernel_size[1] * m.in_channels * m.out_channels // m.groups * o.shape[2] * o.shape[3] + (m.out_channels * o.shape[2] * o.shape[3] if m.bias is not None else 0)

    def linear_hook(m, i, o):
        total['linear'] += m.in_features * m.out_features + (m.out_features if m.bias is not None else 0)

    def pool_hook(m, i, o):
        total['pool'] += i[0].numel()

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d)):
            m.register_forward_hook(pool_hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(shape))
    return total


if __name__ == '__main__':
    import sys
    arch = sys.argv[1] if len(sys.argv) > 1 else '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|'
    net = TinyNetwork(arch)
    print('params', sum(p.numel() for p in net.parameters()))
    print('flops', count_flops(net))
