// Elementwise ops. Binary and unary ops dispatch on a small integer code shared with
// src/engine/ops/elementwise.ts (one native entry point each keeps the binding table short).
#include <chrono>

#include "handle.h"

namespace naskit {
namespace {

/**
 * binary(code, a, b, alpha) with a tensor b, binaryScalar(code, a, s, alpha) with a number s
 * (handles are numbers too, so the two cannot share an entry point).
 */
template <bool kScalar>
Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t code = IntArg(info, 0);
  const at::Tensor& a = TensorArg(info, 1);
  const bool scalar = kScalar;
  at::Tensor b;
  at::Scalar s;
  if (scalar) s = NumberArg(info, 2);
  else b = TensorArg(info, 2);
  switch (code) {
    case 0: {
      const double alpha = NumberArg(info, 3);
      return Wrap(env, scalar ? at::add(a, s, alpha) : at::add(a, b, alpha));
    }
    case 1: {
      const double alpha = NumberArg(info, 3);
      return Wrap(env, scalar ? at::sub(a, s, alpha) : at::sub(a, b, alpha));
    }
    case 2: return Wrap(env, scalar ? at::mul(a, s) : at::mul(a, b));
    case 3: return Wrap(env, scalar ? at::div(a, s) : at::div(a, b));
    case 4: return Wrap(env, scalar ? at::pow(a, s) : at::pow(a, b));
    case 5: return Wrap(env, scalar ? at::clamp_min(a, s) : at::maximum(a, b));
    case 6: return Wrap(env, scalar ? at::clamp_max(a, s) : at::minimum(a, b));
    case 7: return Wrap(env, scalar ? at::eq(a, s) : at::eq(a, b));
    case 8: return Wrap(env, scalar ? at::gt(a, s) : at::gt(a, b));
    case 9: return Wrap(env, scalar ? at::lt(a, s) : at::lt(a, b));
    case 10: return Wrap(env, scalar ? at::ge(a, s) : at::ge(a, b));
    case 11: return Wrap(env, scalar ? at::le(a, s) : at::le(a, b));
    default: Fail(env, "BAD_ARGUMENT", "unknown binary op code " + std::to_string(code));
  }
}

/** unary(code, a) */
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t code = IntArg(info, 0);
  const at::Tensor& a = TensorArg(info, 1);
  switch (code) {
    case 0: return Wrap(env, at::neg(a));
    case 1: return Wrap(env, at::exp(a));
    case 2: return Wrap(env, at::log(a));
    case 3: return Wrap(env, at::sqrt(a));
    case 4: return Wrap(env, at::abs(a));
    case 5: return Wrap(env, at::tanh(a));
    case 6: return Wrap(env, at::sigmoid(a));
    case 7: return Wrap(env, at::relu(a));
    case 8: return Wrap(env, at::square(a));
    case 9: return Wrap(env, at::rsqrt(a));
    case 10: return Wrap(env, at::sin(a));
    case 11: return Wrap(env, at::cos(a));
    case 12: return Wrap(env, at::sign(a));
    case 13: return Wrap(env, at::reciprocal(a));
    case 14: return Wrap(env, at::floor(a));
    case 15: return Wrap(env, at::log1p(a));
    case 16: return Wrap(env, at::silu(a));
    case 17: return Wrap(env, at::gelu(a));
    default: Fail(env, "BAD_ARGUMENT", "unknown unary op code " + std::to_string(code));
  }
}

/** clamp(a, min|null, max|null) */
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  c10::optional<at::Scalar> lo, hi;
  if (info[1].IsNumber()) lo = NumberArg(info, 1);
  if (info[2].IsNumber()) hi = NumberArg(info, 2);
  return Wrap(info.Env(), at::clamp(TensorArg(info, 0), lo, hi));
}

/** leakyRelu(a, slope) */
Napi::Value LeakyRelu(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::leaky_relu(TensorArg(info, 0), NumberArg(info, 1))); }

/** where(condition, a, b) */
Napi::Value Where(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::where(TensorArg(info, 0).to(at::kBool), TensorArg(info, 1), TensorArg(info, 2)));
}

/** toDtype(a, dtype) */
Napi::Value ToDtype(const Napi::CallbackInfo& info) { return Wrap(info.Env(), TensorArg(info, 0).to(DtypeArg(info, 1))); }

/** timeAddLoop(a, b, n): microseconds per at::add call made from C++ (libtorch's own cost, for benchmarks). */
Napi::Value TimeAddLoop(const Napi::CallbackInfo& info) {
  const at::Tensor& a = TensorArg(info, 0);
  const at::Tensor& b = TensorArg(info, 1);
  const int64_t n = IntArg(info, 2);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < n; k++) at::add(a, b);
  const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
  return Napi::Number::New(info.Env(), elapsed.count() / static_cast<double>(n));
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  Export<BinaryOp<false>>(env, exports, "binary");
  Export<BinaryOp<true>>(env, exports, "binaryScalar");
  Export<Unary>(env, exports, "unary");
  Export<Clamp>(env, exports, "clamp");
  Export<LeakyRelu>(env, exports, "leakyRelu");
  Export<Where>(env, exports, "where");
  Export<ToDtype>(env, exports, "toDtype");
  Export<TimeAddLoop>(env, exports, "timeAddLoop");
}

}  // namespace naskit
