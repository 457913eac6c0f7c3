// V8 fast API calls for the frame ops (docs/engine.md, "Calling conventions"). Optimised JS code
// calls a fast call's C++ function directly, without V8's API-call setup or Node-API's wrapper:
// about 0.03 us less per small op here. A fast call may not throw, allocate JS objects or call
// into JS, which RunFrameQuietly guarantees. Built when the build finds v8-fast-api-calls.h
// (scripts/fetch-v8-fast-api-header.sh) and used when the running Node is the one built against;
// otherwise the frame ops are Node-API functions, with the same behaviour.
#pragma once

#if NASKIT_FAST_CALLS
#include <v8.h>
#include <v8-fast-api-calls.h>

namespace naskit {

/** The engine state a fast-call function was made for: its template's data (an External). */
inline State& StateOf(v8::Local<v8::Value> data) { return *static_cast<State*>(data.As<v8::External>()->Value()); }

/** Whether frame ops are registered as fast calls: built so, the same Node major, not NASKIT_FAST_CALLS=0. */
bool FastCallsUsable();
/** Decides FastCallsUsable for this process, once (RegisterHandle, before any op is registered). */
void DecideFastCalls(Napi::Env env);
/** "on", or "off: " and why (for naskit doctor). */
std::string FastCallsNote();

/** Sets exports[name] to the function of `tmpl`, with its frame arity (PublishFrameFunction). */
void SetFastFunction(Napi::Env env, Napi::Object exports, const char* name, v8::Local<v8::FunctionTemplate> tmpl, int arity);

/**
 * The fast path, from optimised code. The state comes from the function's own data, not from the
 * thread: a thread may load the addon more than once, each load with its own environment and state.
 */
template <FrameCallback F>
void FastFrameCall(v8::Local<v8::Object>, v8::FastApiCallbackOptions& options) {
  State& state = StateOf(options.data);
  state.fastCallCount += 1;
  RunFrameQuietly<F>(state);
}

/** The same op from unoptimised code (an ordinary V8 callback). */
template <FrameCallback F>
void SlowFrameCall(const v8::FunctionCallbackInfo<v8::Value>& info) {
  RunFrameQuietly<F>(StateOf(info.Data()));
}

template <FrameCallback F>
void ExportFastFrame(Napi::Env env, Napi::Object exports, const char* name, int arity) {
  static const v8::CFunction fast = v8::CFunction::Make(FastFrameCall<F>);
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::FunctionTemplate> tmpl = v8::FunctionTemplate::New(
      isolate, SlowFrameCall<F>, v8::External::New(isolate, &GetState(env)), v8::Local<v8::Signature>(), 0,
      v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect, &fast);
  SetFastFunction(env, exports, name, tmpl, arity);
}

}  // namespace naskit
#endif
