// Neural-network ops: matmul and linear, convolution, pooling, batch norm, dropout,
// softmax family, losses, gumbel-softmax, embedding, LSTM cell.
#include "handle.h"

namespace naskit {
namespace {

std::optional<at::Tensor> Opt(const Napi::CallbackInfo& info, size_t i) { return OptTensorArg(info, i); }
c10::optional<at::Tensor> C10(const std::optional<at::Tensor>& t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }

// Frame ops (see Frame in handle.h) where every argument is a number: matmul, linear, batchNorm,
// the softmax family, losses, embedding. "|null" arguments are 0 in the frame.
void Matmul(Frame& f) { f.Return(at::matmul(f.Tensor(0), f.Tensor(1))); }

/** linear(x, weight, bias|null) */
void Linear(Frame& f) { f.Return(at::linear(f.Tensor(0), f.Tensor(1), C10(f.OptTensor(2)))); }

/** conv2d(x, weight, bias|null, stride[2], padding[2], dilation[2], groups) */
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::conv2d(TensorArg(info, 0), TensorArg(info, 1), C10(Opt(info, 2)), IntListArg(info, 3), IntListArg(info, 4),
                                     IntListArg(info, 5), IntArg(info, 6)));
}

/** maxPool2d(x, kernel[2], stride[2], padding[2]) */
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::max_pool2d(TensorArg(info, 0), IntListArg(info, 1), IntListArg(info, 2), IntListArg(info, 3)));
}

/** avgPool2d(x, kernel[2], stride[2], padding[2], countIncludePad) */
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::avg_pool2d(TensorArg(info, 0), IntListArg(info, 1), IntListArg(info, 2), IntListArg(info, 3), false, BoolArg(info, 4)));
}

/** adaptiveAvgPool2d(x, output[2]) */
Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::adaptive_avg_pool2d(TensorArg(info, 0), IntListArg(info, 1)));
}

/** batchNorm(x, weight|null, bias|null, runningMean|null, runningVar|null, training, momentum, eps) */
void BatchNorm(Frame& f) {
  f.Return(at::batch_norm(f.Tensor(0), C10(f.OptTensor(1)), C10(f.OptTensor(2)), C10(f.OptTensor(3)), C10(f.OptTensor(4)), f.Bool(5), f.Number(6),
                          f.Number(7), false));
}

/**
 * dropout(x, p, training, generator|null). at::dropout draws from the global generator only; with a
 * generator the mask is drawn here the way ATen's CPU dropout draws it (bernoulli(1 - p) / (1 - p)).
 */
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  const at::Tensor x = TensorArg(info, 0);
  const double p = NumberArg(info, 1);
  const bool training = BoolArg(info, 2);
  auto generator = GeneratorArg(info, 3);
  if (!generator || !training || p == 0) return Wrap(info.Env(), at::dropout(x, p, training));
  if (p == 1) return Wrap(info.Env(), x * at::zeros({}, x.options()));
  at::Tensor noise;
  {
    at::NoGradGuard guard;
    noise = at::empty_like(x).bernoulli_(1 - p, generator).div_(1 - p);
  }
  return Wrap(info.Env(), x * noise);
}

void Softmax(Frame& f) { f.Return(at::softmax(f.Tensor(0), f.Int(1))); }
void LogSoftmax(Frame& f) { f.Return(at::log_softmax(f.Tensor(0), f.Int(1))); }

/** Reduction codes shared with src/engine/ops/loss.ts: 0 none, 1 mean, 2 sum (at::Reduction's order). */
int64_t ReductionArg(const Frame& f, size_t i) {
  const int64_t code = f.Int(i);
  if (code == 0) return at::Reduction::None;
  if (code == 1) return at::Reduction::Mean;
  if (code == 2) return at::Reduction::Sum;
  Raise("BAD_ARGUMENT", "unknown reduction code " + std::to_string(code) + "; valid: 0 none, 1 mean, 2 sum");
}

/** crossEntropy(logits, targets, labelSmoothing, reduction) with class-index targets. */
void CrossEntropy(Frame& f) {
  f.Return(at::cross_entropy_loss(f.Tensor(0), f.Tensor(1).to(at::kLong), c10::nullopt, ReductionArg(f, 3), -100, f.Number(2)));
}

/** nllLoss(logProbs, targets, reduction) */
void NllLoss(Frame& f) { f.Return(at::nll_loss(f.Tensor(0), f.Tensor(1).to(at::kLong), c10::nullopt, ReductionArg(f, 2), -100)); }

/** mse(a, b, reduction) */
void Mse(Frame& f) { f.Return(at::mse_loss(f.Tensor(0), f.Tensor(1), ReductionArg(f, 2))); }

/**
 * gumbelSoftmax(logits, tau, hard, dim, generator|null): softmax((logits + g) / tau) with g ~ Gumbel(0, 1);
 * `hard` returns the one-hot argmax in the forward pass and the soft gradient (straight-through).
 */
Napi::Value GumbelSoftmax(const Napi::CallbackInfo& info) {
  const at::Tensor logits = TensorArg(info, 0);
  const double tau = NumberArg(info, 1);
  const bool hard = BoolArg(info, 2);
  const int64_t dim = IntArg(info, 3);
  auto generator = GeneratorArg(info, 4);
  at::Tensor noise;
  {
    at::NoGradGuard guard;
    noise = at::empty_like(logits).exponential_(1.0, generator).log().neg_();
  }
  at::Tensor soft = at::softmax((logits + noise) / tau, dim);
  if (!hard) return Wrap(info.Env(), soft);
  at::Tensor index = std::get<1>(soft.max(dim, true));
  at::Tensor onehot = at::zeros_like(soft).scatter_(dim, index, 1.0);
  return Wrap(info.Env(), onehot - soft.detach() + soft);
}

/** embedding(weight, indices) */
void Embedding(Frame& f) { f.Return(at::embedding(f.Tensor(0), f.Tensor(1).to(at::kLong))); }

/** lstmCell(x, h, c, wIh, wHh, bIh|null, bHh|null) -> [h', c'] */
Napi::Value LstmCell(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> hidden = {TensorArg(info, 1), TensorArg(info, 2)};
  auto result = at::lstm_cell(TensorArg(info, 0), hidden, TensorArg(info, 3), TensorArg(info, 4), C10(Opt(info, 5)), C10(Opt(info, 6)));
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Wrap(env, std::get<0>(result)));
  out.Set(1u, Wrap(env, std::get<1>(result)));
  return out;
}

}  // namespace

void RegisterNnOps(Napi::Env env, Napi::Object exports) {
  ExportFrame<Matmul>(env, exports, "matmul", 2);
  ExportFrame<Linear>(env, exports, "linear", 3);
  Export<Conv2d>(env, exports, "conv2d");
  Export<MaxPool2d>(env, exports, "maxPool2d");
  Export<AvgPool2d>(env, exports, "avgPool2d");
  Export<AdaptiveAvgPool2d>(env, exports, "adaptiveAvgPool2d");
  ExportFrame<BatchNorm>(env, exports, "batchNorm", 8);
  Export<Dropout>(env, exports, "dropout");
  ExportFrame<Softmax>(env, exports, "softmax", 2);
  ExportFrame<LogSoftmax>(env, exports, "logSoftmax", 2);
  ExportFrame<CrossEntropy>(env, exports, "crossEntropy", 4);
  ExportFrame<NllLoss>(env, exports, "nllLoss", 3);
  ExportFrame<Mse>(env, exports, "mse", 3);
  Export<GumbelSoftmax>(env, exports, "gumbelSoftmax");
  ExportFrame<Embedding>(env, exports, "embedding", 2);
  Export<LstmCell>(env, exports, "lstmCell");
}

}  // namespace naskit
