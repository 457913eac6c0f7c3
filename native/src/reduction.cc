// Reductions: sum/mean/max/min/argmax over dimensions, norms, logsumexp.
#include "handle.h"

namespace naskit {
namespace {

/** reduce(code, a, dims|null, keepdim): 0 sum, 1 mean, 2 var (unbiased), 3 std (unbiased). */
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t code = IntArg(info, 0);
  const at::Tensor a = TensorArg(info, 1);
  const bool all = info[2].IsNull() || info[2].IsUndefined();
  std::vector<int64_t> dims = all ? std::vector<int64_t>() : IntListArg(info, 2);
  const bool keepdim = BoolArg(info, 3);
  switch (code) {
    case 0: return Wrap(env, all ? at::sum(a) : at::sum(a, dims, keepdim));
    case 1: return Wrap(env, all ? at::mean(a) : at::mean(a, dims, keepdim));
    case 2: return Wrap(env, all ? at::var(a) : at::var(a, dims, true, keepdim));
    case 3: return Wrap(env, all ? at::std(a) : at::std(a, dims, true, keepdim));
    default: Raise("BAD_ARGUMENT", "unknown reduction code " + std::to_string(code));
  }
}

/** extreme(code, a, dim|null, keepdim): 0 max, 1 min, 2 argmax, 3 argmin; dim null reduces all. */
Napi::Value Extreme(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t code = IntArg(info, 0);
  const at::Tensor a = TensorArg(info, 1);
  const bool all = info[2].IsNull() || info[2].IsUndefined();
  const bool keepdim = BoolArg(info, 3);
  if (all) {
    switch (code) {
      case 0: return Wrap(env, at::max(a));
      case 1: return Wrap(env, at::min(a));
      case 2: return Wrap(env, at::argmax(a));
      case 3: return Wrap(env, at::argmin(a));
    }
  } else {
    const int64_t dim = IntArg(info, 2);
    switch (code) {
      case 0: return Wrap(env, std::get<0>(at::max(a, dim, keepdim)));
      case 1: return Wrap(env, std::get<0>(at::min(a, dim, keepdim)));
      case 2: return Wrap(env, at::argmax(a, dim, keepdim));
      case 3: return Wrap(env, at::argmin(a, dim, keepdim));
    }
  }
  Raise("BAD_ARGUMENT", "unknown extreme code " + std::to_string(code));
}

/** norm(a, p): the p-norm of all elements; a frame op. */
void Norm(Frame& f) { f.Return(at::norm(f.Tensor(0), f.Number(1))); }

/** logsumexp(a, dim, keepdim); a frame op. */
void Logsumexp(Frame& f) { f.Return(at::logsumexp(f.Tensor(0), {f.Int(1)}, f.Bool(2))); }

/** topk(a, k, dim) -> [values, indices] (largest first). */
Napi::Value Topk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto result = at::topk(TensorArg(info, 0), IntArg(info, 1), IntArg(info, 2));
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Wrap(env, std::get<0>(result)));
  out.Set(1u, Wrap(env, std::get<1>(result)));
  return out;
}

}  // namespace

void RegisterReduction(Napi::Env env, Napi::Object exports) {
  Export<Reduce>(env, exports, "reduce");
  Export<Extreme>(env, exports, "extreme");
  ExportFrame<Norm>(env, exports, "norm", 2);
  ExportFrame<Logsumexp>(env, exports, "logsumexp", 3);
  Export<Topk>(env, exports, "topk");
}

}  // namespace naskit
