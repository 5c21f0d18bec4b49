"""The benchmark models: PyTorch modules with random weights, fixed seeds.

Every builder seeds torch before constructing the module, so the weights
(and therefore the exported ONNX file) are the same in every run. The tiny_*
models exist for the harness self-test (tests/bench), not for measurements.
"""
import math

import torch
from torch import nn


class EncoderLayer(nn.Module):
    """Post-norm transformer encoder layer as in BERT: MHA + GELU FFN.

    Written out (instead of nn.TransformerEncoderLayer) so the export is the
    plain MatMul/Softmax/LayerNormalization graph BERT exporters produce and
    not PyTorch's fused fast path."""

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q, self.k, self.v = (nn.Linear(hidden, hidden) for _ in range(3))
        self.out = nn.Linear(hidden, hidden)
        self.norm1, self.norm2 = nn.LayerNorm(hidden, eps=1e-12), nn.LayerNorm(hidden, eps=1e-12)
        self.ffn_in, self.ffn_out = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
        self.gelu = nn.GELU()  # exact (erf) form, as BERT

    def split(self, x):  # [B, S, D] -> [B, H, S, Dh]
        b, s, _ = x.shape
        return x.reshape(b, s, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        b, s, d = x.shape
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        attn = torch.matmul(torch.softmax(scores, dim=-1), v)
        attn = attn.transpose(1, 2).reshape(b, s, d)
        h = self.norm1(x + self.out(attn))
        return self.norm2(h + self.ffn_out(self.gelu(self.ffn_in(h))))


class Encoder(nn.Module):
    """A stack of encoder layers on already-embedded tokens [B, S, hidden]."""

    def __init__(self, layers, hidden, heads, ffn):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn) for _ in range(layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class TinyCnn(nn.Module):
    """Conv-BN-ReLU, a residual block, global pooling and a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.block = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                   nn.Conv2d(8, 8, 3, padding=1))
        self.head = nn.Linear(8, 10)

    def forward(self, x):
        h = self.stem(x)
        h = torch.relu(h + self.block(h))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(h, 1), 1))


def _torchvision(name):
    import torchvision

    return getattr(torchvision.models, name)(weights=None)


# name -> (constructor, input shape without the batch dim, what it is)
MODELS = {
    "resnet50": (lambda: _torchvision("resnet50"), (3, 224, 224), "torchvision ResNet-50"),
    "mobilenetv2": (lambda: _torchvision("mobilenet_v2"), (3, 224, 224),
                    "torchvision MobileNetV2"),
    "bert": (lambda: Encoder(12, 768, 12, 3072), (128, 768),
             "BERT-base-sized encoder: 12 layers, hidden 768, 12 heads, FFN 3072, seq 128"),
    "tiny_cnn": (TinyCnn, (3, 16, 16), "harness self-test CNN"),
    "tiny_encoder": (lambda: Encoder(1, 32, 4, 64), (8, 32), "harness self-test encoder"),
}


def build(name):
    """The model `name` in eval mode with seeded random weights."""
    torch.manual_seed(0)
    return MODELS[name][0]().eval()


def input_shape(name, batch):
    return (batch,) + MODELS[name][1]


def export(module, x, path, opset=17):
    """TorchScript export (no onnxscript needed), BatchNorm folded into Conv."""
    with torch.no_grad():
        torch.onnx.export(module, (x,), path, opset_version=opset, dynamo=False,
                          do_constant_folding=True, input_names=["input"],
                          output_names=["output"])
