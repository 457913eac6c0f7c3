// Autograd: requires_grad, .grad, backward, torch::autograd::grad (with create_graph for
// higher-order gradients such as Hessian-vector products), and the grad-mode switch.
#include <torch/csrc/autograd/autograd.h>

#include "handle.h"

namespace naskit {
namespace {

// Frame ops (see Frame in handle.h), as optimizers call them for every parameter at every step:
// setRequiresGrad, requiresGrad, isLeaf (1/0), gradOf (0 for none), setGrad (0 for none).
void SetRequiresGrad(Frame& f) { f.Tensor(0).requires_grad_(f.Bool(1)); }

void RequiresGrad(Frame& f) { f.ReturnNumber(f.Tensor(0).requires_grad() ? 1 : 0); }

void IsLeaf(Frame& f) { f.ReturnNumber(f.Tensor(0).is_leaf() ? 1 : 0); }

/** gradOf(a): a new handle to a.grad, or 0 when there is none. */
void GradOf(Frame& f) {
  const at::Tensor& grad = f.Tensor(0).grad();
  if (!grad.defined()) return f.ReturnNumber(0);
  f.Return(grad);
}

/** setGrad(a, g|null): null drops the gradient (PyTorch's zero_grad(set_to_none=True)). */
void SetGrad(Frame& f) {
  at::Tensor& a = f.Tensor(0);
  auto g = f.OptTensor(1);
  if (g) a.mutable_grad() = *g;
  else a.mutable_grad().reset();
}

/** backward(a, gradient|null, retainGraph, createGraph) */
Napi::Value Backward(const Napi::CallbackInfo& info) {
  const at::Tensor a = TensorArg(info, 0);
  auto gradient = OptTensorArg(info, 1);
  a.backward(gradient ? *gradient : at::Tensor(), BoolArg(info, 2), BoolArg(info, 3));
  return info.Env().Undefined();
}

/** grad(outputs[], inputs[], gradOutputs[]|null, retainGraph, createGraph, allowUnused) -> (handle|null)[] */
Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> outputs = TensorListArg(info, 0);
  std::vector<at::Tensor> inputs = TensorListArg(info, 1);
  std::vector<at::Tensor> gradOutputs;
  if (!info[2].IsNull() && !info[2].IsUndefined()) gradOutputs = TensorListArg(info, 2);
  const bool retainGraph = BoolArg(info, 3);
  const bool createGraph = BoolArg(info, 4);
  const bool allowUnused = BoolArg(info, 5);
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retainGraph, createGraph, allowUnused);
  Napi::Array out = Napi::Array::New(env, grads.size());
  for (size_t k = 0; k < grads.size(); k++) out.Set(static_cast<uint32_t>(k), grads[k].defined() ? Wrap(env, grads[k]) : env.Null());
  return out;
}

/** setGradEnabled(enabled) -> the previous setting */
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  const bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(BoolArg(info, 0));
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

}  // namespace

void RegisterAutograd(Napi::Env env, Napi::Object exports) {
  ExportFrame<SetRequiresGrad>(env, exports, "setRequiresGrad", 2);
  ExportFrame<RequiresGrad>(env, exports, "requiresGrad", 1);
  ExportFrame<IsLeaf>(env, exports, "isLeaf", 1);
  ExportFrame<GradOf>(env, exports, "gradOf", 1);
  ExportFrame<SetGrad>(env, exports, "setGrad", 2);
  Export<Backward>(env, exports, "backward");
  Export<Grad>(env, exports, "grad");
  Export<SetGradEnabled>(env, exports, "setGradEnabled");
  Export<IsGradEnabled>(env, exports, "isGradEnabled");
}

}  // namespace naskit
