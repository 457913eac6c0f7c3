// Tensor creation: from JS typed arrays, constants, seeded random draws, generators.
#include <ATen/CPUGeneratorImpl.h>

#include "handle.h"

namespace naskit {
namespace {

at::TensorOptions Options(at::ScalarType dtype) { return at::TensorOptions().dtype(dtype); }

/** fromArray(typedArray, shape): copies the data (JS keeps its buffer). */
Napi::Value FromArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) Raise("BAD_ARGUMENT", "fromArray needs a Float32Array, Float64Array, Int32Array or Uint8Array");
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = IntListArg(info, 1);  // checked below: the product must not wrap
  at::ScalarType dtype;
  switch (array.TypedArrayType()) {
    case napi_float32_array: dtype = at::kFloat; break;
    case napi_float64_array: dtype = at::kDouble; break;
    case napi_int32_array: dtype = at::kInt; break;
    case napi_uint8_array: dtype = at::kByte; break;
    default: Raise("BAD_DTYPE", "fromArray: unsupported typed array; use Float32Array, Float64Array, Int32Array or Uint8Array");
  }
  const int64_t numel = CheckedNumel(shape, "fromArray");
  if (numel != static_cast<int64_t>(array.ElementLength())) {
    Raise("SHAPE_MISMATCH", "fromArray: shape holds " + std::to_string(numel) + " elements but the array has " + std::to_string(array.ElementLength()));
  }
  uint8_t* data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  return Wrap(env, at::from_blob(data, shape, Options(dtype)).clone());
}

Napi::Value Zeros(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::zeros(ShapeArg(info, 0), Options(DtypeArg(info, 1)))); }
Napi::Value Ones(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::ones(ShapeArg(info, 0), Options(DtypeArg(info, 1)))); }
Napi::Value Full(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::full(ShapeArg(info, 0), NumberArg(info, 1), Options(DtypeArg(info, 2))));
}

/** randn(shape, generator|null, dtype) */
Napi::Value Randn(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::randn(ShapeArg(info, 0), GeneratorArg(info, 1), Options(DtypeArg(info, 2))));
}

/** rand(shape, generator|null, dtype): uniform in [0, 1). */
Napi::Value Rand(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::rand(ShapeArg(info, 0), GeneratorArg(info, 1), Options(DtypeArg(info, 2))));
}

/** randint(low, high, shape, generator|null): int64 in [low, high). */
Napi::Value Randint(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::randint(IntArg(info, 0), IntArg(info, 1), ShapeArg(info, 2), GeneratorArg(info, 3), Options(at::kLong)));
}

/** randperm(n, generator|null): int64. */
Napi::Value Randperm(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::randperm(IntArg(info, 0), GeneratorArg(info, 1), Options(at::kLong)));
}

/** arange(start, end, step, dtype) */
Napi::Value Arange(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::arange(NumberArg(info, 0), NumberArg(info, 1), NumberArg(info, 2), Options(DtypeArg(info, 3))));
}

Napi::Value Eye(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::eye(IntArg(info, 0), Options(DtypeArg(info, 1)))); }

/** oneHot(indices, numClasses): int64; a frame op (see Frame in handle.h). */
void OneHot(Frame& f) { f.Return(at::one_hot(f.Tensor(0).to(at::kLong), f.Int(1))); }

void FinalizeGenerator(Napi::Env, at::Generator* generator) { delete generator; }

/** newGenerator(seed): a CPU generator of its own, so that draws do not depend on other code's. */
Napi::Value NewGenerator(const Napi::CallbackInfo& info) {
  auto* generator = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(IntArg(info, 0))));
  auto external = Napi::External<at::Generator>::New(info.Env(), generator, FinalizeGenerator);
  TagGenerator(info.Env(), external);
  return external;
}

}  // namespace

void RegisterCreation(Napi::Env env, Napi::Object exports) {
  Export<FromArray>(env, exports, "fromArray");
  Export<Zeros>(env, exports, "zeros");
  Export<Ones>(env, exports, "ones");
  Export<Full>(env, exports, "full");
  Export<Randn>(env, exports, "randn");
  Export<Rand>(env, exports, "rand");
  Export<Randint>(env, exports, "randint");
  Export<Randperm>(env, exports, "randperm");
  Export<Arange>(env, exports, "arange");
  Export<Eye>(env, exports, "eye");
  ExportFrame<OneHot>(env, exports, "oneHot", 2);
  Export<NewGenerator>(env, exports, "newGenerator");
}

}  // namespace naskit
