// Shape and indexing: views, permutations, slicing, gathering, joining, padding.
#include "handle.h"

namespace naskit {
namespace {

Napi::Value Reshape(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::reshape(TensorArg(info, 0), IntListArg(info, 1))); }
Napi::Value View(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).view(IntListArg(info, 1))); }
Napi::Value Permute(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).permute(IntListArg(info, 1))); }
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::transpose(TensorArg(info, 0), IntArg(info, 1), IntArg(info, 2)));
}
Napi::Value Flatten(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::flatten(TensorArg(info, 0), IntArg(info, 1), IntArg(info, 2)));
}
Napi::Value Squeeze(const Napi::CallbackInfo& info) {
  if (info[1].IsNull() || info[1].IsUndefined()) return Wrap(info.Env(), at::squeeze(TensorArg(info, 0)));
  return Wrap(info.Env(), at::squeeze(TensorArg(info, 0), IntArg(info, 1)));
}
Napi::Value Unsqueeze(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::unsqueeze(TensorArg(info, 0), IntArg(info, 1))); }
Napi::Value Expand(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).expand(IntListArg(info, 1))); }
Napi::Value Contiguous(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).contiguous()); }
Napi::Value Clone(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).clone()); }
Napi::Value Detach(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).detach()); }
/** alias(a): a second handle to the same tensor (a kept copy that the caller disposes on its own). */
Napi::Value Alias(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0)); }

/** narrow(a, dim, start, length) */
Napi::Value Narrow(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::narrow(TensorArg(info, 0), IntArg(info, 1), IntArg(info, 2), IntArg(info, 3)));
}
/** select(a, dim, index) */
Napi::Value Select(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::select(TensorArg(info, 0), IntArg(info, 1), IntArg(info, 2))); }
/** indexSelect(a, dim, indices) */
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::index_select(TensorArg(info, 0), IntArg(info, 1), TensorArg(info, 2).to(at::kLong)));
}
/** gather(a, dim, indices) */
Napi::Value Gather(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::gather(TensorArg(info, 0), IntArg(info, 1), TensorArg(info, 2).to(at::kLong)));
}
/** maskedFill(a, mask, value) */
Napi::Value MaskedFill(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::masked_fill(TensorArg(info, 0), TensorArg(info, 1).to(at::kBool), NumberArg(info, 2)));
}
/** cat(list, dim) */
Napi::Value Cat(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::cat(TensorListArg(info, 0), IntArg(info, 1))); }
/** stack(list, dim) */
Napi::Value Stack(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::stack(TensorListArg(info, 0), IntArg(info, 1))); }
/** pad(a, pads, value): constant padding, pads as in torch.nn.functional.pad (last dim first). */
Napi::Value Pad(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::constant_pad_nd(TensorArg(info, 0), IntListArg(info, 1), NumberArg(info, 2)));
}

}  // namespace

void RegisterShape(Napi::Env env, Napi::Object exports) {
  Export<Reshape>(env, exports, "reshape");
  Export<View>(env, exports, "view");
  Export<Permute>(env, exports, "permute");
  Export<Transpose>(env, exports, "transpose");
  Export<Flatten>(env, exports, "flatten");
  Export<Squeeze>(env, exports, "squeeze");
  Export<Unsqueeze>(env, exports, "unsqueeze");
  Export<Expand>(env, exports, "expand");
  Export<Contiguous>(env, exports, "contiguous");
  Export<Clone>(env, exports, "clone");
  Export<Detach>(env, exports, "detach");
  Export<Alias>(env, exports, "alias");
  Export<Narrow>(env, exports, "narrow");
  Export<Select>(env, exports, "select");
  Export<IndexSelect>(env, exports, "indexSelect");
  Export<Gather>(env, exports, "gather");
  Export<MaskedFill>(env, exports, "maskedFill");
  Export<Cat>(env, exports, "cat");
  Export<Stack>(env, exports, "stack");
  Export<Pad>(env, exports, "pad");
}

}  // namespace naskit
