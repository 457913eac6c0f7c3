"""The DARTS evaluation network for CIFAR (NetworkCIFAR of the DARTS paper, Liu et al., ICLR 2019) in
PyTorch, written from the paper's description with naskit's member names, so that state dicts map one
to one onto naskit's DartsNetwork. A reference for the tests (test/space/darts/fixtures/make_darts_reference.py),
not part of naskit. Run with Debian's python3-torch: /usr/bin/python3.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, k, stride, padding, dilation=1):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, padding, dilation, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    """ReLU, depthwise k x k (dilation), pointwise 1 x 1, BN."""

    def __init__(self, c_in, c_out, k, stride, padding, dilation=1):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(),
            nn.Conv2d(c_in, c_in, k, stride, padding, dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        return self.op(x)


class DualSepConv(nn.Module):
    def __init__(self, c_in, c_out, k, stride, padding):
        super().__init__()
        self.op_a = SepConv(c_in, c_in, k, stride, padding)
        self.op_b = SepConv(c_in, c_out, k, 1, padding)

    def forward(self, x):
        return self.op_b(self.op_a(x))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_0 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_1 = nn.Conv2d(c_in, c_out - c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.conv_0(x), self.conv_1(x[:, :, 1:, 1:])], dim=1))


def operation(name, c, stride):
    if name == 'max_pool_3x3':
        return nn.MaxPool2d(3, stride, 1)
    if name == 'avg_pool_3x3':
        return nn.AvgPool2d(3, stride, 1, count_include_pad=False)
    if name == 'skip_connect':
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == 'sep_conv_3x3':
        return DualSepConv(c, c, 3, stride, 1)
    if name == 'sep_conv_5x5':
        return DualSepConv(c, c, 5, stride, 2)
    if name == 'dil_conv_3x3':
        return SepConv(c, c, 3, stride, 2, 2)
    if name == 'dil_conv_5x5':
        return SepConv(c, c, 5, stride, 4, 2)
    raise ValueError(name)


class Cell(nn.Module):
    def __init__(self, pairs, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c, 1, 1, 0)
        self.preprocess1 = ReLUConvBN(c_p, c, 1, 1, 0)
        self._ops = nn.ModuleList([operation(op, c, 2 if reduction and i < 2 else 1) for op, i in pairs])
        self.inputs = [i for _, i in pairs]

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for k in range(0, len(self.inputs), 2):
            states.append(self._ops[k](states[self.inputs[k]]) + self._ops[k + 1](states[self.inputs[k + 1]]))
        return torch.cat(states[2:], dim=1)


class AuxiliaryHead(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(c, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
            nn.Conv2d(128, 768, 2, bias=False), nn.BatchNorm2d(768), nn.ReLU(),
        )
        self.classifier = nn.Linear(768, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(F.relu(x), 2)
        return self.classifier(self.features(x).flatten(1))


class DartsNetwork(nn.Module):
    def __init__(self, genotype, c, layers, classes=10, auxiliary=False):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 3 * c, 3, padding=1, bias=False), nn.BatchNorm2d(3 * c))
        c_pp, c_p, c_curr = 3 * c, 3 * c, c
        reduction_prev = False
        self.reductions = [layers // 3, 2 * layers // 3]
        self.cells = nn.ModuleList()
        c_aux = None
        for i in range(layers):
            reduction = i in self.reductions
            if reduction:
                c_curr *= 2
            self.cells.append(Cell(genotype['reduce' if reduction else 'normal'], c_pp, c_p, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, 4 * c_curr
            if i == self.reductions[1]:
                c_aux = c_p
        if auxiliary:
            self.auxiliary_head = AuxiliaryHead(c_aux, classes)
        self.classifier = nn.Linear(c_p, classes)
        self.aux_logits = None

    def forward(self, x):
        s0 = s1 = self.stem(x)
        self.aux_logits = None
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1)
            if i == self.reductions[1] and hasattr(self, 'auxiliary_head') and self.training:
                self.aux_logits = self.auxiliary_head(s1)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))
