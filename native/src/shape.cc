// Shape and indexing: views, permutations, slicing, gathering, joining, padding.
#include "handle.h"

namespace naskit {
namespace {

Napi::Value Reshape(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::reshape(TensorArg(info, 0), IntListArg(info, 1))); }
Napi::Value View(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).view(IntListArg(info, 1))); }
Napi::Value Permute(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).permute(IntListArg(info, 1))); }
// Frame ops (see Frame in handle.h), down to maskedFill: their arguments are all numbers.
void Transpose(Frame& f) { f.Return(at::transpose(f.Tensor(0), f.Int(1), f.Int(2))); }
void Flatten(Frame& f) { f.Return(at::flatten(f.Tensor(0), f.Int(1), f.Int(2))); }
Napi::Value Squeeze(const Napi::CallbackInfo& info) {
  if (info[1].IsNull() || info[1].IsUndefined()) return Wrap(info.Env(), at::squeeze(TensorArg(info, 0)));
  return Wrap(info.Env(), at::squeeze(TensorArg(info, 0), IntArg(info, 1)));
}
void Unsqueeze(Frame& f) { f.Return(at::unsqueeze(f.Tensor(0), f.Int(1))); }
void Contiguous(Frame& f) { f.Return(f.Tensor(0).contiguous()); }
void Clone(Frame& f) { f.Return(f.Tensor(0).clone()); }
void Detach(Frame& f) { f.Return(f.Tensor(0).detach()); }
/** alias(a): a second handle to the same tensor (a kept copy that the caller disposes on its own). */
void Alias(Frame& f) { f.Return(f.Tensor(0)); }
/** narrow(a, dim, start, length) */
void Narrow(Frame& f) { f.Return(at::narrow(f.Tensor(0), f.Int(1), f.Int(2), f.Int(3))); }
/** select(a, dim, index) */
void Select(Frame& f) { f.Return(at::select(f.Tensor(0), f.Int(1), f.Int(2))); }
/** indexSelect(a, dim, indices) */
void IndexSelect(Frame& f) { f.Return(at::index_select(f.Tensor(0), f.Int(1), f.Tensor(2).to(at::kLong))); }
/** gather(a, dim, indices) */
void Gather(Frame& f) { f.Return(at::gather(f.Tensor(0), f.Int(1), f.Tensor(2).to(at::kLong))); }
/** maskedFill(a, mask, value) */
void MaskedFill(Frame& f) { f.Return(at::masked_fill(f.Tensor(0), f.Tensor(1).to(at::kBool), f.Number(2))); }

Napi::Value Expand(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).expand(IntListArg(info, 1))); }
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
  ExportFrame<Transpose>(env, exports, "transpose", 3);
  ExportFrame<Flatten>(env, exports, "flatten", 3);
  Export<Squeeze>(env, exports, "squeeze");
  ExportFrame<Unsqueeze>(env, exports, "unsqueeze", 2);
  Export<Expand>(env, exports, "expand");
  ExportFrame<Contiguous>(env, exports, "contiguous", 1);
  ExportFrame<Clone>(env, exports, "clone", 1);
  ExportFrame<Detach>(env, exports, "detach", 1);
  ExportFrame<Alias>(env, exports, "alias", 1);
  ExportFrame<Narrow>(env, exports, "narrow", 4);
  ExportFrame<Select>(env, exports, "select", 3);
  ExportFrame<IndexSelect>(env, exports, "indexSelect", 3);
  ExportFrame<Gather>(env, exports, "gather", 3);
  ExportFrame<MaskedFill>(env, exports, "maskedFill", 3);
  Export<Cat>(env, exports, "cat");
  Export<Stack>(env, exports, "stack");
  Export<Pad>(env, exports, "pad");
}

}  // namespace naskit
