// Elementwise ops. Binary and unary ops dispatch on a small integer code shared with
// src/engine/ops/elementwise.ts (one native entry point each keeps the binding table short).
// Frame ops (see Frame in handle.h) take their arguments from the shared call frame.
#include <chrono>
#include <type_traits>

#include "handle.h"

namespace naskit {
namespace {

/** The binary op of `code` on a and b (a tensor or a number). */
template <typename B>
at::Tensor Binary(const Frame& f, int64_t code, const at::Tensor& a, const B& b) {
  switch (code) {
    case 0: return at::add(a, b, f.Number(3));
    case 1: return at::sub(a, b, f.Number(3));
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::gt(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::ge(a, b);
    case 11: return at::le(a, b);
  }
  // maximum and minimum have other names with a number.
  if constexpr (std::is_same_v<B, at::Scalar>) {
    if (code == 5) return at::clamp_min(a, b);
    if (code == 6) return at::clamp_max(a, b);
  } else {
    if (code == 5) return at::maximum(a, b);
    if (code == 6) return at::minimum(a, b);
  }
  Raise("BAD_ARGUMENT", "unknown binary op code " + std::to_string(code));
}

/**
 * binary(code, a, b, alpha) with a tensor b, binaryScalar(code, a, s, alpha) with a number s
 * (handles are numbers too, so the two cannot share an entry point). Frame ops. The tensors are
 * read by reference: a copy would cost two atomic reference-count updates per call.
 */
void BinaryTensor(Frame& f) { f.Return(Binary(f, f.Int(0), f.Tensor(1), f.Tensor(2))); }
void BinaryScalar(Frame& f) { f.Return(Binary(f, f.Int(0), f.Tensor(1), at::Scalar(f.Number(2)))); }

/** unary(code, a); a frame op. */
void Unary(Frame& f) {
  const int64_t code = f.Int(0);
  const at::Tensor& a = f.Tensor(1);
  switch (code) {
    case 0: return f.Return(at::neg(a));
    case 1: return f.Return(at::exp(a));
    case 2: return f.Return(at::log(a));
    case 3: return f.Return(at::sqrt(a));
    case 4: return f.Return(at::abs(a));
    case 5: return f.Return(at::tanh(a));
    case 6: return f.Return(at::sigmoid(a));
    case 7: return f.Return(at::relu(a));
    case 8: return f.Return(at::square(a));
    case 9: return f.Return(at::rsqrt(a));
    case 10: return f.Return(at::sin(a));
    case 11: return f.Return(at::cos(a));
    case 12: return f.Return(at::sign(a));
    case 13: return f.Return(at::reciprocal(a));
    case 14: return f.Return(at::floor(a));
    case 15: return f.Return(at::log1p(a));
    case 16: return f.Return(at::silu(a));
    case 17: return f.Return(at::gelu(a));
    default: Raise("BAD_ARGUMENT", "unknown unary op code " + std::to_string(code));
  }
}

/** clamp(a, min|null, max|null) */
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  c10::optional<at::Scalar> lo, hi;
  if (info[1].IsNumber()) lo = NumberArg(info, 1);
  if (info[2].IsNumber()) hi = NumberArg(info, 2);
  return Wrap(info.Env(), at::clamp(TensorArg(info, 0), lo, hi));
}

/** leakyRelu(a, slope); a frame op. */
void LeakyRelu(Frame& f) { f.Return(at::leaky_relu(f.Tensor(0), f.Number(1))); }

/** where(condition, a, b); a frame op. */
void Where(Frame& f) { f.Return(at::where(f.Tensor(0).to(at::kBool), f.Tensor(1), f.Tensor(2))); }

/** toDtype(a, dtype); a frame op. */
void ToDtype(Frame& f) { f.Return(f.Tensor(0).to(DtypeFromCode(f.Int(1)))); }

/** timeAddLoop(a, b, n): microseconds per at::add call made from C++ (libtorch's own cost, for benchmarks). */
Napi::Value TimeAddLoop(const Napi::CallbackInfo& info) {
  const at::Tensor a = TensorArg(info, 0);
  const at::Tensor b = TensorArg(info, 1);
  const int64_t n = IntArg(info, 2);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < n; k++) at::add(a, b);
  const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
  return Napi::Number::New(info.Env(), elapsed.count() / static_cast<double>(n));
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  ExportFrame<BinaryTensor>(env, exports, "binary", 4);
  ExportFrame<BinaryScalar>(env, exports, "binaryScalar", 4);
  ExportFrame<Unary>(env, exports, "unary", 2);
  Export<Clamp>(env, exports, "clamp");
  ExportFrame<LeakyRelu>(env, exports, "leakyRelu", 2);
  ExportFrame<Where>(env, exports, "where", 3);
  ExportFrame<ToDtype>(env, exports, "toDtype", 2);
  Export<TimeAddLoop>(env, exports, "timeAddLoop");
}

}  // namespace naskit
