#include "handle.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <torch/version.h>

namespace naskit {
namespace {

int64_t BytesOf(const at::Tensor& t) { return t.defined() ? t.numel() * static_cast<int64_t>(t.element_size()) : 0; }

Slot* Lookup(State& state, napi_env env, napi_value value, const char** why) {
  double h;
  // One Node-API call: it fails with napi_number_expected on a non-number.
  if (napi_get_value_double(env, value, &h) != napi_ok) {
    *why = "BAD_HANDLE";
    return nullptr;
  }
  return LookupHandle(state, h, why);
}

}  // namespace

State& GetState(Napi::Env env) { return *env.GetInstanceData<State>(); }

MemoryStats& Stats(Napi::Env env) { return GetState(env).stats; }

void Fail(Napi::Env env, const char* code, const std::string& message) {
  State& state = GetState(env);
  if (state.errorFactory.IsEmpty()) throw Napi::Error::New(env, std::string(code) + ": " + message);
  Napi::Value error = state.errorFactory.Call({Napi::String::New(env, code), Napi::String::New(env, message)});
  throw Napi::Error(env, error);
}

void ReportMemory(Napi::Env env, State& state) {
  if (!MemoryReportDue(state)) return;
  const int64_t delta = state.stats.watchedBytes - state.reported;
  Napi::MemoryManagement::AdjustExternalMemory(env, delta);
  state.reported += delta;
}

std::string HandleProblem(const char* why, size_t i) {
  if (std::string(why) == "TENSOR_DISPOSED") {
    return "argument " + std::to_string(i) + " is a tensor that was already disposed; keep() it or create it outside the scope that freed it";
  }
  return "argument " + std::to_string(i) + " is not a tensor handle; pass a Tensor created by naskit's engine";
}

void WriteMeta(State& state, const at::Tensor& tensor) {
  int32_t* meta = state.meta;  // made with the state (RegisterHandle)
  const c10::IntArrayRef sizes = tensor.sizes();  // one call (size(d) wraps and checks d each time)
  const size_t ndim = sizes.size();
  if (ndim > kMetaLength - 2) Raise("SHAPE_RANK", "tensors of more than 14 dimensions are not supported");
  for (size_t d = 0; d < ndim; d++) {
    // The meta buffer holds int32 sizes: a larger one would reach JS wrapped around.
    if (sizes[d] > INT32_MAX) Raise("BAD_SHAPE", "dimension " + std::to_string(d) + " has " + std::to_string(sizes[d]) + " elements; naskit's tensors have at most 2^31 - 1 per dimension");
  }
  meta[0] = DtypeCode(tensor.scalar_type());
  meta[1] = static_cast<int32_t>(ndim);
  for (size_t d = 0; d < ndim; d++) meta[2 + d] = static_cast<int32_t>(sizes[d]);
}

double NewHandle(State& state, at::Tensor tensor) {
  WriteMeta(state, tensor);
  uint32_t index;
  if (!state.freeSlots.empty()) {
    index = state.freeSlots.back();
    state.freeSlots.pop_back();
  } else {
    if (state.slots.size() >= static_cast<size_t>(kIndexSpan)) Raise("TOO_MANY_TENSORS", "more than 16,777,216 live tensors; dispose tensors or use scope()");
    index = static_cast<uint32_t>(state.slots.size());
    state.slots.emplace_back();
  }
  Slot& slot = state.slots[index];
  slot.generation += 1;
  slot.alive = true;
  slot.watched = false;
  slot.bytes = BytesOf(tensor);
  slot.tensor = std::move(tensor);
  state.stats.live += 1;
  state.stats.bytes += slot.bytes;
  return index + static_cast<double>(slot.generation) * kIndexSpan;
}

Napi::Value Wrap(Napi::Env env, at::Tensor tensor) { return Napi::Number::New(env, NewHandle(GetState(env), std::move(tensor))); }

void Release(State& state, double handle) {
  const char* why = nullptr;
  Slot* slot = LookupHandle(state, handle, &why);
  if (slot == nullptr) return;
  slot->alive = false;
  slot->tensor = at::Tensor();
  if (slot->watched) {
    slot->watched = false;
    state.stats.watchedBytes -= slot->bytes;
  }
  state.stats.live -= 1;
  state.stats.bytes -= slot->bytes;
  state.freeSlots.push_back(static_cast<uint32_t>(slot - state.slots.data()));
}

void CheckFrameArity(const char* name, int arity) {
  if (arity < 1 || static_cast<size_t>(arity) >= kStatusSlot) Raise("ENGINE_STATE", std::string("frame op ") + name + " has a bad arity");
}

void PublishFrameFunction(Napi::Env env, Napi::Object exports, const char* name, napi_value fn, int arity) {
  Napi::Function function(env, fn);
  function.Set("frameArity", Napi::Number::New(env, arity));
  exports.Set(name, function);
}

void ExportNapiFrameFunction(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback, int arity) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, &GetState(env), &fn) != napi_ok) Raise("ENGINE_STATE", std::string("cannot create ") + name);
  PublishFrameFunction(env, exports, name, fn, arity);
}

// A reference into the slot table would dangle once NewHandle grows it (see handle.h).
static_assert(!std::is_reference_v<decltype(TensorArg(std::declval<const Napi::CallbackInfo&>(), 0))>, "TensorArg must return by value");

at::Tensor TensorArg(const Napi::CallbackInfo& info, size_t i) {
  const char* why = nullptr;
  Slot* slot = Lookup(GetState(info.Env()), info.Env(), info[i], &why);
  if (slot == nullptr) Raise(why, HandleProblem(why, i));
  return slot->tensor;
}

std::optional<at::Tensor> OptTensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return std::nullopt;
  return TensorArg(info, i);
}

std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be an array of tensor handles");
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  State& state = GetState(info.Env());
  for (uint32_t k = 0; k < array.Length(); k++) {
    const char* why = nullptr;
    Slot* slot = Lookup(state, info.Env(), array.Get(k), &why);
    if (slot == nullptr) Raise(why, "element " + std::to_string(k) + " of argument " + std::to_string(i) + (std::string(why) == "TENSOR_DISPOSED" ? " is a disposed tensor" : " is not a tensor handle"));
    out.push_back(slot->tensor);
  }
  return out;
}

// Number readers make one Node-API call, which itself refuses a non-number.
double NumberArg(const Napi::CallbackInfo& info, size_t i) {
  double value;
  if (napi_get_value_double(info.Env(), info[i], &value) != napi_ok) Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be a number");
  return value;
}

namespace {
/** Whether d is an integer that a double holds exactly (the test of Frame::Int). */
bool ExactInteger(double d) { return d >= -9007199254740992.0 && d <= 9007199254740992.0 && static_cast<double>(static_cast<int64_t>(d)) == d; }
}  // namespace

int64_t IntArg(const Napi::CallbackInfo& info, size_t i) {
  // Not napi_get_value_int64: it truncates 2.5 to 2 and turns NaN and infinities into 0.
  double value;
  if (napi_get_value_double(info.Env(), info[i], &value) != napi_ok || !ExactInteger(value)) Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be an integer");
  return static_cast<int64_t>(value);
}

bool BoolArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBoolean()) Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be an array of integers");
  Napi::Array array = info[i].As<Napi::Array>();
  const uint32_t length = array.Length();
  std::vector<int64_t> out;
  // Grown as elements pass their check: a sparse array of length 2^32 - 1 fails at its first hole
  // instead of allocating 32 GB first.
  out.reserve(std::min<uint32_t>(length, 16));
  for (uint32_t k = 0; k < length; k++) {
    Napi::Value v = array.Get(k);
    // The same test as Frame::Int: Int64Value() would turn 2.5 into 2 and NaN into 0.
    if (!v.IsNumber() || !ExactInteger(v.As<Napi::Number>().DoubleValue())) {
      Raise("BAD_ARGUMENT", "element " + std::to_string(k) + " of argument " + std::to_string(i) + " must be an integer");
    }
    out.push_back(static_cast<int64_t>(v.As<Napi::Number>().DoubleValue()));
  }
  return out;
}

int64_t CheckedNumel(const std::vector<int64_t>& shape, const char* what) {
  int64_t numel = 1;
  for (size_t d = 0; d < shape.size(); d++) {
    if (shape[d] < 0) Raise("BAD_SHAPE", std::string(what) + ": size " + std::to_string(shape[d]) + " of dimension " + std::to_string(d) + " is negative");
  }
  for (int64_t s : shape) {
    if (s == 0) return 0;  // an empty tensor, whatever the other sizes
  }
  for (int64_t s : shape) {
    if (__builtin_mul_overflow(numel, s, &numel)) Raise("BAD_SHAPE", std::string(what) + ": the shape's element count does not fit in 64 bits");
  }
  return numel;
}

std::vector<int64_t> ShapeArg(const Napi::CallbackInfo& info, size_t i) {
  std::vector<int64_t> shape = IntListArg(info, i);
  CheckedNumel(shape, ("argument " + std::to_string(i)).c_str());
  return shape;
}

namespace {
/** Marks an External as a naskit generator, so that GeneratorArg refuses any other External. */
const napi_type_tag kGeneratorTag = {0x6e61736b69745f67ULL, 0x656e657261746f72ULL};  // "naskit_generator"
}  // namespace

void TagGenerator(Napi::Env env, napi_value external) {
  if (napi_type_tag_object(env, external, &kGeneratorTag) != napi_ok) Raise("ENGINE_STATE", "cannot tag a generator");
}

c10::optional<at::Generator> GeneratorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return c10::nullopt;
  bool tagged = false;
  if (!info[i].IsExternal() || napi_check_object_type_tag(info.Env(), info[i], &kGeneratorTag, &tagged) != napi_ok || !tagged) {
    Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be a Generator handle (engine().newGenerator) or null");
  }
  return *info[i].As<Napi::External<at::Generator>>().Data();
}

at::ScalarType DtypeFromCode(int64_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kDouble;
    case 2: return at::kInt;
    case 3: return at::kLong;
    case 4: return at::kBool;
    case 5: return at::kByte;
    default: Raise("BAD_DTYPE", "unknown dtype code " + std::to_string(code) + "; valid: 0 float32, 1 float64, 2 int32, 3 int64, 4 bool, 5 uint8");
  }
}

at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i) { return DtypeFromCode(IntArg(info, i)); }

namespace {

/** install(errorFactory): the function that builds naskit's NativeError (binding.ts, once per load). */
Napi::Value Install(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) Raise("BAD_ARGUMENT", "install(errorFactory) needs a function");
  GetState(info.Env()).errorFactory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

/**
 * settle(): called by binding.ts when a frame op left a nonzero status: reports native memory to V8
 * if due, clears the status and throws the op's pending error, if any, as its NativeError.
 */
Napi::Value Settle(const Napi::CallbackInfo& info) {
  State& state = GetState(info.Env());
  state.frame[kStatusSlot] = 0;
  bool detached = false;
  napi_value buffer = state.frameRef.Value().ArrayBuffer();
  if (napi_is_detached_arraybuffer(info.Env(), buffer, &detached) == napi_ok && detached) {
    state.pending = false;
    Fail(info.Env(), "ENGINE_STATE", "the engine's call frame (engine().frameBuffer) was detached or transferred by other code; the engine cannot run ops on this thread any more (start a new process or worker)");
  }
  ReportMemory(info.Env(), state);
  if (state.pending) {
    state.pending = false;
    Fail(info.Env(), state.pendingCode, std::move(state.pendingMessage));
  }
  return info.Env().Undefined();
}

/** meta(a): writes a's dtype and shape into the meta buffer. */
void Meta(Frame& f) { WriteMeta(f.state(), f.Tensor(0)); }

/** dispose(a): frees a now; stale and bad handles are ignored (disposal is idempotent). */
void Dispose(Frame& f) { Release(f.state(), f.Number(0)); }

/**
 * disposeMany(handles, count): frees the first `count` handles of a Float64Array in one call (the end
 * of a scope). A typed array is read in place; an array's elements cost a Node-API call each.
 */
Napi::Value DisposeMany(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Raise("BAD_ARGUMENT", "disposeMany: argument 0 must be a Float64Array of tensor handles");
  }
  Napi::Float64Array handles = info[0].As<Napi::Float64Array>();
  const int64_t count = IntArg(info, 1);
  if (count < 0 || static_cast<size_t>(count) > handles.ElementLength()) Raise("BAD_ARGUMENT", "disposeMany: count is outside the array");
  const double* data = handles.Data();
  State& state = GetState(info.Env());
  for (int64_t k = 0; k < count; k++) Release(state, data[k]);
  return info.Env().Undefined();
}

/**
 * watch(a, on): marks a live handle as owned by the GC backstop (on = true: no scope frees it, so its
 * bytes are reported to V8) or no longer. Called with JS arguments, not through the call frame:
 * ops with JS arguments make tensors outside scopes, and must not depend on the frame.
 */
Napi::Value Watch(const Napi::CallbackInfo& info) {
  State& state = GetState(info.Env());
  const char* why = nullptr;
  Slot* slot = LookupHandle(state, NumberArg(info, 0), &why);
  if (slot == nullptr) Raise(why, HandleProblem(why, 0));
  const bool on = info[1].ToBoolean().Value();
  if (slot->watched != on) {
    slot->watched = on;
    state.stats.watchedBytes += on ? slot->bytes : -slot->bytes;
  }
  ReportMemory(info.Env(), state);
  return info.Env().Undefined();
}

/** isAlive(a): 1 when a is a live handle, else 0. */
void IsAlive(Frame& f) {
  const char* why = nullptr;
  f.ReturnNumber(LookupHandle(f.state(), f.Number(0), &why) != nullptr ? 1 : 0);
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  MemoryStats& stats = Stats(info.Env());
  Napi::Array out = Napi::Array::New(info.Env(), 4);
  out.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(stats.live)));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(stats.bytes)));
  out.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(GetState(info.Env()).reported)));
  out.Set(3u, Napi::Number::New(info.Env(), static_cast<double>(stats.watchedBytes)));
  return out;
}

Napi::Value ToArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorArg(info, 0).detach().contiguous();
  const size_t n = static_cast<size_t>(t.numel());
  switch (t.scalar_type()) {
    case at::kFloat: {
      auto out = Napi::Float32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr<float>(), n * sizeof(float));
      return out;
    }
    case at::kDouble: {
      auto out = Napi::Float64Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr<double>(), n * sizeof(double));
      return out;
    }
    case at::kInt: {
      auto out = Napi::Int32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr<int32_t>(), n * sizeof(int32_t));
      return out;
    }
    case at::kLong: {
      // JS has no int64 typed array that converts to numbers cheaply; int32 covers indices and
      // labels. A value beyond int32 is refused rather than wrapped.
      const int64_t* in = t.data_ptr<int64_t>();
      for (size_t k = 0; k < n; k++) {
        if (in[k] != static_cast<int32_t>(in[k])) {
          Raise("INT64_RANGE", "toArray: element " + std::to_string(k) + " of this int64 tensor is " + std::to_string(in[k]) +
                                   ", outside int32's range, which is how int64 is read into JS; cast it to float64 first (exact up to 2^53)");
        }
      }
      auto out = Napi::Int32Array::New(env, n);
      int32_t* dst = out.Data();
      for (size_t k = 0; k < n; k++) dst[k] = static_cast<int32_t>(in[k]);
      return out;
    }
    case at::kBool:
    case at::kByte: {
      at::Tensor bytes = t.to(at::kByte);
      auto out = Napi::Uint8Array::New(env, n);
      if (n) std::memcpy(out.Data(), bytes.data_ptr<uint8_t>(), n);
      return out;
    }
    default:
      Raise("BAD_DTYPE", "cannot read this tensor's dtype into JS");
  }
}

/** item(a): the value of a one-element tensor. */
void Item(Frame& f) {
  at::Tensor& t = f.Tensor(0);
  if (t.numel() != 1) Raise("SHAPE_MISMATCH", "item() needs a tensor of exactly one element, got " + std::to_string(t.numel()));
  f.ReturnNumber(t.item<double>());
}

constexpr int64_t kMaxThreads = 4096;

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const int64_t n = IntArg(info, 0);
  // at::set_num_threads takes an int: a larger count would be cut to its low 32 bits.
  if (n < 1 || n > kMaxThreads) Raise("BAD_ARGUMENT", "setNumThreads needs an integer from 1 to " + std::to_string(kMaxThreads) + ", got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  at::manual_seed(static_cast<uint64_t>(IntArg(info, 0)));
  return info.Env().Undefined();
}

/** fastCallCount(): how many frame ops ran as V8 fast calls on this thread. */
Napi::Value FastCallCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(GetState(info.Env()).fastCallCount)); }

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TORCH_VERSION); }

}  // namespace

/**
 * Training allocates and frees the same large activation buffers every step. glibc's defaults return
 * them to the kernel (mmap/munmap, heap trimming) and fault them in again on the next step, which
 * measurably slowed the NB201 step (about 10 %, bench/results/engine.md); keeping freed memory in
 * the heap for reuse avoids that, at the price of holding the peak in RSS.
 */
void TuneAllocator() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's maximum: buffers up to 32 MB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

void RegisterHandle(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  State* state = new State();
  env.SetInstanceData<State>(state);
  // External views of the state's own memory (handle.h): detaching them cannot free it.
  Napi::ArrayBuffer metaMemory = Napi::ArrayBuffer::New(env, state->metaData, sizeof(state->metaData));
  Napi::ArrayBuffer frameMemory = Napi::ArrayBuffer::New(env, state->frameData, sizeof(state->frameData));
  Napi::Int32Array meta = Napi::Int32Array::New(env, kMetaLength, metaMemory, 0);
  Napi::Float64Array frame = Napi::Float64Array::New(env, kFrameLength, frameMemory, 0);
  state->metaRef = Napi::Persistent(meta);
  state->frameRef = Napi::Persistent(frame);
  exports.Set("metaBuffer", meta);
  exports.Set("frameBuffer", frame);
#if NASKIT_FAST_CALLS
  DecideFastCalls(env);
  exports.Set("fastCalls", Napi::Boolean::New(env, FastCallsUsable()));
  exports.Set("fastCallsNote", Napi::String::New(env, FastCallsNote()));
#else
  exports.Set("fastCalls", Napi::Boolean::New(env, false));
  exports.Set("fastCallsNote", Napi::String::New(env, "off: built without V8's v8-fast-api-calls.h; run scripts/fetch-v8-fast-api-header.sh, then `node scripts/build-native.mjs --strict`"));
#endif
  Export<Install>(env, exports, "install");
  Export<Settle>(env, exports, "settle");
  ExportFrame<Meta>(env, exports, "meta", 1);
  ExportFrame<Dispose>(env, exports, "dispose", 1);
  Export<DisposeMany>(env, exports, "disposeMany");
  ExportFrame<IsAlive>(env, exports, "isAlive", 1);
  Export<Watch>(env, exports, "watch");
  Export<Memory>(env, exports, "memory");
  Export<ToArray>(env, exports, "toArray");
  ExportFrame<Item>(env, exports, "item", 1);
  Export<SetNumThreads>(env, exports, "setNumThreads");
  Export<GetNumThreads>(env, exports, "getNumThreads");
  Export<ManualSeed>(env, exports, "manualSeed");
  Export<Version>(env, exports, "version");
  Export<FastCallCount>(env, exports, "fastCallCount");
}

}  // namespace naskit
