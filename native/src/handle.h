// The native side of a tensor handle. Tensors live in a per-environment slot table; JS holds a
// handle number (slot index + generation), so creating a tensor allocates no JS object on the native
// side. Disposal frees the tensor at once; a stale handle (disposed, or its slot reused) is refused.
// The GC backstop is a FinalizationRegistry on the JS side (src/engine/memory.ts).
//
// Errors: code anywhere in the addon raises an OpError (a NativeError code and message, no JS);
// the entry points turn it, and libtorch's c10::Error, into the JS NativeError. Ops are called in
// one of two conventions (docs/engine.md, "Calling conventions"): with JS arguments through
// node-addon-api (Guarded), or as frame ops reading numbers from the shared call frame (Frame).
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace naskit {

/** One tensor owned by JS. A slot is reused after disposal with a new generation. */
struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;
  uint32_t generation = 0;
  bool alive = false;
  // Owned by the GC backstop (no scope frees it): only these bytes are reported to V8.
  bool watched = false;
};

/** Live tensor handles and their bytes (numel x element size, views counted at their own size). */
struct MemoryStats {
  int64_t live = 0;
  int64_t bytes = 0;
  // Bytes of the handles the GC backstop watches (see watch()); what V8 is told about.
  int64_t watchedBytes = 0;
};

/** Slots of the call frame: the arguments of a frame op start at 0; the last slot is its status. */
constexpr size_t kFrameLength = 16;
constexpr size_t kStatusSlot = kFrameLength - 1;
/** Status bits a frame op leaves when binding.ts must call settle() after it. */
constexpr double kErrorPending = 1;
constexpr double kMemoryReportDue = 2;
/**
 * What binding.ts writes into the status slot before every frame op. An op finding anything else
 * runs nothing and fails with ENGINE_STATE: its arguments were not written by binding.ts, e.g.
 * because user code detached the frame's ArrayBuffer (its writes then go nowhere, and the frame
 * would still hold the previous call's arguments).
 */
constexpr double kCallArmed = 4;
constexpr size_t kMetaLength = 16;  // [dtype, ndim, size_0 .. size_13]

/** Per-environment state (one per Node thread that loads the addon). */
struct State {
  Napi::FunctionReference errorFactory;
  // The meta buffer and the call frame belong to the addon (made when it loads, exported to
  // binding.ts), so that no op can run before they exist and every binding shares them. Their
  // memory is the state's own (the JS arrays are external views of it): user code that detaches
  // or transfers a JS array cannot free what the ops read and write.
  double frameData[kFrameLength] = {};
  int32_t metaData[kMetaLength] = {};
  Napi::Reference<Napi::Int32Array> metaRef;
  int32_t* meta = metaData;  // [dtype, ndim, size_0 .. size_13] of the last new handle
  Napi::Reference<Napi::Float64Array> frameRef;
  double* frame = frameData;  // the call frame (kFrameLength doubles)
  MemoryStats stats;
  std::vector<Slot> slots;
  std::vector<uint32_t> freeSlots;
  int64_t reported = 0;  // bytes reported to V8 so far
  uint64_t fastCallCount = 0;  // frame ops that ran as V8 fast calls (a diagnostic)
  // The error of a frame op that ran where it could not throw (a V8 fast call), until settle().
  bool pending = false;
  const char* pendingCode = "";  // OpError codes are string literals
  std::string pendingMessage;
};

State& GetState(Napi::Env env);
MemoryStats& Stats(Napi::Env env);

/** An error raised in the addon: a NativeError code and its message; no JS is involved. */
class OpError : public std::runtime_error {
 public:
  OpError(const char* code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const char* code() const { return code_; }

 private:
  const char* code_;
};

[[noreturn]] inline void Raise(const char* code, const std::string& message) { throw OpError(code, message); }

/** Builds the JS error through the factory binding.ts installed, and throws it (as a Napi::Error). */
[[noreturn]] void Fail(Napi::Env env, const char* code, const std::string& message);

/** Moves a tensor into a free slot and returns its handle, with its dtype and shape in the meta buffer. */
double NewHandle(State& state, at::Tensor tensor);
/** NewHandle as a JS number. */
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);
/** Writes dtype and shape of `tensor` into the shared meta buffer. */
void WriteMeta(State& state, const at::Tensor& tensor);
/** Frees the tensor of a handle now (idempotent; stale and bad handles are ignored). */
void Release(State& state, double handle);
/** Handles are index + generation * 2^24: exact in a double, and a reused slot gets a new number. */
constexpr int kIndexBits = 24;
constexpr double kIndexSpan = 16777216.0;  // 2^24 live tensors at most
/** External memory is reported to V8 in steps of this size (each report has a cost). */
constexpr int64_t kReportStep = 1 << 20;

/** The live slot of a handle, or null with `why` set to the error code (BAD_HANDLE, TENSOR_DISPOSED). */
inline Slot* LookupHandle(State& state, double h, const char** why) {
  // Integer arithmetic (fmod/floor cost more than the rest of the lookup); 2^53 keeps the cast exact.
  if (!(h >= 0 && h < 9007199254740992.0) || static_cast<double>(static_cast<uint64_t>(h)) != h) {
    *why = "BAD_HANDLE";
    return nullptr;
  }
  const uint64_t bits = static_cast<uint64_t>(h);
  const uint64_t index = bits & ((uint64_t{1} << kIndexBits) - 1);
  const uint64_t generation = bits >> kIndexBits;
  // Generation 0 is never handed out, so 0 (a frame's "no tensor") is never a handle.
  if (generation == 0 || index >= state.slots.size()) {
    *why = "BAD_HANDLE";
    return nullptr;
  }
  Slot& slot = state.slots[index];
  if (!slot.alive || slot.generation != generation) {
    *why = "TENSOR_DISPOSED";
    return nullptr;
  }
  return &slot;
}
/** The message for a handle argument that failed lookup. */
std::string HandleProblem(const char* why, size_t i);

/** Whether native memory moved by a reporting step since V8 last heard of it. */
inline bool MemoryReportDue(const State& state) {
  const int64_t delta = state.stats.watchedBytes - state.reported;
  return delta >= kReportStep || delta <= -kReportStep;
}
/**
 * Tells V8 about the native memory only the GC can free (the watched handles) when it is due, so
 * that the GC weighs it (Node-API contexts only). Scoped tensors are freed deterministically and
 * are not reported: reporting their churn (hundreds of MB per training step) made V8 start a
 * major GC, with its helper threads, several times per step, and those threads took cores from
 * libtorch's.
 */
void ReportMemory(Napi::Env env, State& state);

// Argument readers for JS arguments: each checks the JS type and raises an OpError naming the argument.
// TensorArg returns the tensor by value (a reference-count increment), never a reference into the
// slot table: NewHandle may grow the table and move every slot, so a reference held across a
// Wrap() would dangle.
at::Tensor TensorArg(const Napi::CallbackInfo& info, size_t i);
std::optional<at::Tensor> OptTensorArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t i);
double NumberArg(const Napi::CallbackInfo& info, size_t i);
int64_t IntArg(const Napi::CallbackInfo& info, size_t i);
bool BoolArg(const Napi::CallbackInfo& info, size_t i);
/** A list of integers (refuses fractions, NaN and values beyond 2^53, as Frame::Int does). */
std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t i);
/** The sizes of a tensor to allocate: non-negative integers whose product fits in int64 (BAD_SHAPE). */
std::vector<int64_t> ShapeArg(const Napi::CallbackInfo& info, size_t i);
/** The element count of `shape`, refusing negative sizes and a product beyond int64 (BAD_SHAPE). */
int64_t CheckedNumel(const std::vector<int64_t>& shape, const char* what);
/** Tags a new generator External (GeneratorArg checks the tag). */
void TagGenerator(Napi::Env env, napi_value external);
c10::optional<at::Generator> GeneratorArg(const Napi::CallbackInfo& info, size_t i);
at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i);

/** The dtype codes shared with src/engine/dtype.ts. */
inline int DtypeCode(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return 0;
    case at::kDouble: return 1;
    case at::kInt: return 2;
    case at::kLong: return 3;
    case at::kBool: return 4;
    case at::kByte: return 5;
    default: return -1;
  }
}
/** The dtype of a code (BAD_DTYPE for any other integer: no narrowing cast before the check). */
at::ScalarType DtypeFromCode(int64_t code);

using Callback = Napi::Value (*)(const Napi::CallbackInfo&);

/** Runs an op with JS arguments; its errors become NativeErrors (never an abort). */
template <Callback F>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  Napi::Value result;
  try {
    result = F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const OpError& e) {
    Fail(info.Env(), e.code(), e.what());
  } catch (const c10::Error& e) {
    Fail(info.Env(), "TORCH_ERROR", e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    Fail(info.Env(), "OUT_OF_MEMORY", "the engine ran out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    Fail(info.Env(), "NATIVE_ERROR", e.what());
  } catch (...) {
    // Anything else would reach node-addon-api's wrapper, which only catches Napi::Error: an abort.
    Fail(info.Env(), "NATIVE_ERROR", "an unknown C++ exception");
  }
  ReportMemory(info.Env(), GetState(info.Env()));
  return result;
}

/** Registers `F` as exports[name]. */
template <Callback F>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, Guarded<F>, name));
}

/**
 * The arguments of a frame op. Ops whose arguments are all numbers (tensor handles, op codes,
 * scalars, flags as 0/1, 0 for "no tensor") take them from a Float64Array shared with
 * src/engine/binding.ts instead of as JS arguments, and put their result (a new handle or a
 * number) back in its slot 0: reading a JS argument costs a Node-API call, and returning a number
 * allocates one, which for a small op were most of the binding's cost. The readers check what they
 * read as the JS-argument readers do. A frame op never calls into JS (it may run as a V8 fast call).
 */
class Frame {
 public:
  explicit Frame(State& state) : state_(state), values_(state.frame) {}
  /**
   * The tensor of a live handle in slot i, by reference (a copy would cost two atomic updates per
   * argument). Safe because no frame op holds it across a NewHandle: Return() takes its tensor by
   * value, so the copy is made before the slot table can grow.
   */
  at::Tensor& Tensor(size_t i) const {
    const char* why = nullptr;
    Slot* slot = LookupHandle(state_, values_[i], &why);
    if (slot == nullptr) Raise(why, HandleProblem(why, i));
    return slot->tensor;
  }
  /** The tensor in slot i, or none for 0. */
  std::optional<at::Tensor> OptTensor(size_t i) const {
    if (values_[i] == 0) return std::nullopt;
    return Tensor(i);
  }
  double Number(size_t i) const { return values_[i]; }
  /** An integer (refuses fractions, NaN and values beyond 2^53). */
  int64_t Int(size_t i) const {
    const double v = values_[i];
    if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || static_cast<double>(static_cast<int64_t>(v)) != v) {
      Raise("BAD_ARGUMENT", "argument " + std::to_string(i) + " must be an integer");
    }
    return static_cast<int64_t>(v);
  }
  bool Bool(size_t i) const { return values_[i] != 0; }
  /** Wraps a new tensor into a handle in slot 0 (and its dtype and shape into the meta buffer). */
  void Return(at::Tensor tensor) { values_[0] = NewHandle(state_, std::move(tensor)); }
  void ReturnNumber(double value) { values_[0] = value; }
  State& state() const { return state_; }

 private:
  State& state_;
  double* values_;
};

using FrameCallback = void (*)(Frame&);

/** Keeps a frame op's error for settle(); never throws (an out-of-memory message stays empty). */
inline void SetPending(State& state, const char* code, const char* message) noexcept {
  state.pending = true;
  state.pendingCode = code;
  try {
    state.pendingMessage = message;
  } catch (...) {
    state.pendingMessage.clear();
  }
}

/**
 * Runs a frame op without throwing or calling into JS: an error becomes the state's pending error,
 * flagged in the status slot, as is a due memory report; binding.ts then calls settle(), which
 * throws the error or reports the memory. This is how a V8 fast call runs an op (fast_calls.h).
 */
template <FrameCallback F>
void RunFrameQuietly(State& state) noexcept {
  state.pending = false;  // an error is only ever this op's own
  if (state.frame[kStatusSlot] != kCallArmed) {
    SetPending(state, "ENGINE_STATE", "a frame op ran without its arguments: the engine's call frame (engine().frameBuffer) was detached or transferred by other code, or the op was called outside src/engine/binding.ts; the engine cannot run ops on this thread any more (start a new process or worker)");
    state.frame[kStatusSlot] = kErrorPending;
    return;
  }
  try {
    Frame frame(state);
    F(frame);
  } catch (const OpError& e) {
    SetPending(state, e.code(), e.what());
  } catch (const c10::Error& e) {
    SetPending(state, "TORCH_ERROR", e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    SetPending(state, "OUT_OF_MEMORY", "the engine ran out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    SetPending(state, "NATIVE_ERROR", e.what());
  } catch (...) {
    SetPending(state, "NATIVE_ERROR", "an unknown C++ exception");
  }
  const bool reportDue = MemoryReportDue(state);
  state.frame[kStatusSlot] = (state.pending ? kErrorPending : 0) + (reportDue ? kMemoryReportDue : 0);
}

/** A frame op as a raw Node-API callback (where V8 fast calls are not built or not usable). */
template <FrameCallback F>
napi_value FrameEntry(napi_env env, napi_callback_info info) {
  void* state = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &state);
  RunFrameQuietly<F>(*static_cast<State*>(state));
  return nullptr;
}

/** Registers a frame op of `arity` arguments as a Node-API function; binding.ts checks the arity. */
void ExportNapiFrameFunction(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback, int arity);
/** Sets exports[name] to a frame op's function, marked with the arity it reads (both paths). */
void PublishFrameFunction(Napi::Env env, Napi::Object exports, const char* name, napi_value fn, int arity);

}  // namespace naskit

#include "fast_calls.h"

namespace naskit {

/** Refuses an arity that does not fit the frame (its last slot is the status). */
void CheckFrameArity(const char* name, int arity);

/** Registers a frame op: a V8 fast call where this build and Node allow it, else a Node-API function. */
template <FrameCallback F>
void ExportFrame(Napi::Env env, Napi::Object exports, const char* name, int arity) {
  CheckFrameArity(name, arity);
#if NASKIT_FAST_CALLS
  if (FastCallsUsable()) return ExportFastFrame<F>(env, exports, name, arity);
#endif
  ExportNapiFrameFunction(env, exports, name, FrameEntry<F>, arity);
}

void RegisterHandle(Napi::Env env, Napi::Object exports);
void RegisterCreation(Napi::Env env, Napi::Object exports);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterReduction(Napi::Env env, Napi::Object exports);
void RegisterShape(Napi::Env env, Napi::Object exports);
void RegisterNnOps(Napi::Env env, Napi::Object exports);
void RegisterAutograd(Napi::Env env, Napi::Object exports);
void RegisterInplace(Napi::Env env, Napi::Object exports);
void RegisterMemoryProbe(Napi::Env env, Napi::Object exports);
void RegisterTestHooks(Napi::Env env, Napi::Object exports);

}  // namespace naskit
