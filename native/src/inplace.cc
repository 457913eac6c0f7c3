// In-place updates for optimizers, initialisers and running statistics. They run without
// recording gradients (a parameter update is not part of the model's graph) and return nothing.
#include "handle.h"

namespace naskit {
namespace {

/** Refuses a tensor whose shape is not the parameter's (an optimizer update must not broadcast). */
void SameShape(const at::Tensor& param, const at::Tensor& t, const char* op, const char* what) {
  if (!t.sizes().equals(param.sizes())) {
    Raise("SHAPE_MISMATCH", std::string(op) + ": the " + what + " has shape " + c10::str(t.sizes()) + ", the parameter " + c10::str(param.sizes()));
  }
}

/**
 * inplace(code, a, b|null, c|null, value): the update a <- f(a, b, c, value); with b null, `value`
 * is the operand. Frame ops (see Frame in handle.h): inplace, sgdStep, adamStep.
 */
void Inplace(Frame& f) {
  at::NoGradGuard guard;
  const int64_t code = f.Int(0);
  at::Tensor& a = f.Tensor(1);
  const auto b = f.OptTensor(2);
  const double value = f.Number(4);
  switch (code) {
    case 0:  // a += value * b, or a += value
      if (b) a.add_(*b, value);
      else a.add_(value);
      break;
    case 1:  // a *= b, or a *= value
      if (b) a.mul_(*b);
      else a.mul_(value);
      break;
    case 2:  // a += value * b * c
      a.addcmul_(f.Tensor(2), f.Tensor(3), value);
      break;
    case 3:  // a += value * b / c
      a.addcdiv_(f.Tensor(2), f.Tensor(3), value);
      break;
    case 4:  // a <- b
      a.copy_(f.Tensor(2));
      break;
    case 5:  // a <- value
      a.fill_(value);
      break;
    case 6:  // a <- a + value * (b - a)
      a.lerp_(f.Tensor(2), value);
      break;
    case 7:  // a /= b, or a /= value
      if (b) a.div_(*b);
      else a.div_(value);
      break;
    default: Raise("BAD_ARGUMENT", "unknown in-place op code " + std::to_string(code));
  }
}

/** uniformInPlace(a, low, high, generator|null) */
Napi::Value UniformInPlace(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  TensorArg(info, 0).uniform_(NumberArg(info, 1), NumberArg(info, 2), GeneratorArg(info, 3));
  return info.Env().Undefined();
}

/** normalInPlace(a, mean, std, generator|null) */
Napi::Value NormalInPlace(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  TensorArg(info, 0).normal_(NumberArg(info, 1), NumberArg(info, 2), GeneratorArg(info, 3));
  return info.Env().Undefined();
}

/**
 * sgdStep(param, grad, buf|null, lr, momentum, dampening, weightDecay, nesterov, first): PyTorch's SGD
 * update for one parameter, fused so that a step costs one native call per parameter.
 */
void SgdStep(Frame& f) {
  at::NoGradGuard guard;
  at::Tensor& p = f.Tensor(0);
  at::Tensor g = f.Tensor(1);
  auto buf = f.OptTensor(2);
  const double lr = f.Number(3), momentum = f.Number(4), dampening = f.Number(5), decay = f.Number(6);
  const bool nesterov = f.Bool(7), first = f.Bool(8);
  SameShape(p, g, "sgdStep", "gradient");
  if (buf) SameShape(p, *buf, "sgdStep", "momentum buffer");
  if (decay != 0) g = g.add(p, decay);
  if (momentum != 0 && buf) {
    if (first) buf->copy_(g);
    else buf->mul_(momentum).add_(g, 1 - dampening);
    g = nesterov ? g.add(*buf, momentum) : *buf;
  }
  p.add_(g, -lr);
}

/**
 * adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step): Adam (L2 decay
 * added to the gradient) or AdamW (decoupled decay), as PyTorch 1.13's single-tensor path.
 */
void AdamStep(Frame& f) {
  at::NoGradGuard guard;
  at::Tensor& p = f.Tensor(0);
  at::Tensor g = f.Tensor(1);
  at::Tensor& m = f.Tensor(2);
  at::Tensor& v = f.Tensor(3);
  const double lr = f.Number(4), beta1 = f.Number(5), beta2 = f.Number(6), eps = f.Number(7), decay = f.Number(8);
  const bool decoupled = f.Bool(9);
  const int64_t step = f.Int(10);
  // Adam's bias corrections divide by 1 - beta^step: step 0 would divide by zero (NaN weights).
  if (step < 1) Raise("BAD_ARGUMENT", "adamStep: step must be a positive integer (the 1-based count of updates), got " + std::to_string(step));
  SameShape(p, g, "adamStep", "gradient");
  SameShape(p, m, "adamStep", "first moment");
  SameShape(p, v, "adamStep", "second moment");
  if (decay != 0) {
    if (decoupled) p.mul_(1 - lr * decay);
    else g = g.add(p, decay);
  }
  m.lerp_(g, 1 - beta1);
  v.mul_(beta2).addcmul_(g, g, 1 - beta2);
  const double bias1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double bias2 = 1 - std::pow(beta2, static_cast<double>(step));
  at::Tensor denom = (v.sqrt() / std::sqrt(bias2)).add_(eps);
  p.addcdiv_(m, denom, -lr / bias1);
}

}  // namespace

void RegisterInplace(Napi::Env env, Napi::Object exports) {
  ExportFrame<Inplace>(env, exports, "inplace", 5);
  Export<UniformInPlace>(env, exports, "uniformInPlace");
  Export<NormalInPlace>(env, exports, "normalInPlace");
  ExportFrame<SgdStep>(env, exports, "sgdStep", 9);
  ExportFrame<AdamStep>(env, exports, "adamStep", 11);
}

}  // namespace naskit
