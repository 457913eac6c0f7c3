// The native side of a tensor handle. Tensors live in a per-environment slot table; JS holds a
// handle number (slot index + generation), so creating a tensor allocates no JS object on the native
// side. Disposal frees the tensor at once; a stale handle (disposed, or its slot reused) is refused.
// The GC backstop is a FinalizationRegistry on the JS side (src/engine/memory.ts).
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <vector>

namespace naskit {

/** One tensor owned by JS. A slot is reused after disposal with a new generation. */
struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;
  uint32_t generation = 0;
  bool alive = false;
};

/** Live tensor handles and their bytes (numel x element size, views counted at their own size). */
struct MemoryStats {
  int64_t live = 0;
  int64_t bytes = 0;
};
MemoryStats& Stats(Napi::Env env);

/** Builds the JS error through the factory binding.ts installed, and throws it. */
[[noreturn]] void Fail(Napi::Env env, const char* code, const std::string& message);

/** Wraps a tensor into a new handle and writes its dtype and shape into the shared meta buffer. */
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);
/** Writes dtype and shape of `tensor` into the shared meta buffer. */
void WriteMeta(Napi::Env env, const at::Tensor& tensor);
/** Frees the tensor of a handle now (idempotent; stale handles are ignored). */
void Release(Napi::Env env, double handle);

// Argument readers: each checks the JS type and throws a NativeError naming the argument.
at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t i);
std::optional<at::Tensor> OptTensorArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t i);
double NumberArg(const Napi::CallbackInfo& info, size_t i);
int64_t IntArg(const Napi::CallbackInfo& info, size_t i);
bool BoolArg(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Generator> GeneratorArg(const Napi::CallbackInfo& info, size_t i);
at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i);

/** The dtype codes shared with src/engine/dtype.ts. */
int DtypeCode(at::ScalarType type);
at::ScalarType DtypeFromCode(Napi::Env env, int code);

using Callback = Napi::Value (*)(const Napi::CallbackInfo&);

struct State;

/**
 * The arguments of a frame call. Ops whose arguments are all numbers (tensor handles, op codes,
 * scalars, flags as 0/1, 0 for "no tensor") take them from a Float64Array shared with
 * src/engine/binding.ts instead of as JS arguments, and put their result (a new handle or a
 * number) back in its slot 0. Reading a JS argument costs a Node-API call, and returning a number
 * allocates one: for a small op those were most of the binding's overhead (docs/engine.md,
 * "Calling conventions"). The readers check what they read as the JS-argument readers do.
 */
class Frame {
 public:
  Frame(napi_env env, State& state);
  Napi::Env Env() const { return Napi::Env(env_); }
  /** The tensor of a live handle in slot i. */
  at::Tensor& Tensor(size_t i) const;
  /** The tensor in slot i, or none for 0. */
  std::optional<at::Tensor> OptTensor(size_t i) const;
  double Number(size_t i) const { return values_[i]; }
  /** An integer (refuses fractions, NaN and values beyond 2^53). */
  int64_t Int(size_t i) const;
  bool Bool(size_t i) const { return values_[i] != 0; }
  /** Wraps a new tensor into a handle in slot 0 (and its dtype and shape into the meta buffer). */
  void Return(at::Tensor tensor);
  void ReturnNumber(double value) { values_[0] = value; }

 private:
  napi_env env_;
  State& state_;
  double* values_;
};

using FrameCallback = void (*)(Frame&);

/** Builds and throws the JS error of a frame call that failed outside a Napi::Error. */
void ThrowNative(napi_env env, const char* code, const std::string& message);

/** A frame op as a raw Node-API callback: no JS arguments read, errors thrown as NativeErrors. */
template <FrameCallback F>
napi_value FrameEntry(napi_env env, napi_callback_info info) {
  void* state = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &state);
  try {
    Frame frame(env, *static_cast<State*>(state));
    F(frame);
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const c10::Error& e) {
    ThrowNative(env, "TORCH_ERROR", e.what_without_backtrace());
  } catch (const std::exception& e) {
    ThrowNative(env, "NATIVE_ERROR", e.what());
  }
  return nullptr;
}

/** Registers a frame op of `arity` arguments; binding.ts checks the arity against its wrapper's. */
void ExportFrameFunction(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback, int arity);
template <FrameCallback F>
void ExportFrame(Napi::Env env, Napi::Object exports, const char* name, int arity) {
  ExportFrameFunction(env, exports, name, FrameEntry<F>, arity);
}

/** Runs an op and converts libtorch and C++ exceptions into NativeErrors (never an abort). */
template <Callback F>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    Fail(info.Env(), "TORCH_ERROR", e.what_without_backtrace());
  } catch (const std::exception& e) {
    Fail(info.Env(), "NATIVE_ERROR", e.what());
  }
}

/** Registers `F` as exports[name]. */
template <Callback F>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, Guarded<F>, name));
}

void RegisterHandle(Napi::Env env, Napi::Object exports);
void RegisterCreation(Napi::Env env, Napi::Object exports);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterReduction(Napi::Env env, Napi::Object exports);
void RegisterShape(Napi::Env env, Napi::Object exports);
void RegisterNnOps(Napi::Env env, Napi::Object exports);
void RegisterAutograd(Napi::Env env, Napi::Object exports);
void RegisterInplace(Napi::Env env, Napi::Object exports);

}  // namespace naskit
