// Hooks for the boundary tests (test/engine/boundary.test.ts): they make the addon do what no op
// does on purpose (throw each kind of C++ exception, hand out a foreign External), so that the
// guarantees of docs/engine.md, "Errors", can be tested on both calling conventions. Harmless in
// production: each only throws, or makes an External that every reader refuses.
#include "handle.h"

#include <new>

namespace naskit {
namespace {

/** Throws the exception of kind 0 OpError, 1 c10::Error, 2 std::bad_alloc, 3 std::logic_error, 4 an int. */
[[noreturn]] void ThrowKind(int64_t kind) {
  switch (kind) {
    case 0: Raise("TEST_ERROR", "an OpError from the test hook");
    case 1: TORCH_CHECK(false, "a c10::Error from the test hook");
    case 2: throw std::bad_alloc();
    case 3: throw std::logic_error("a std::logic_error from the test hook");
    default: throw 42;  // not a std::exception
  }
}

/** throwGuarded(kind): throws from an op with JS arguments (Guarded). */
Napi::Value ThrowGuarded(const Napi::CallbackInfo& info) { ThrowKind(IntArg(info, 0)); }

/** throwFrame(kind): throws from a frame op (RunFrameQuietly; a V8 fast call from optimised code). */
void ThrowFrame(Frame& f) { ThrowKind(f.Int(0)); }

void FinalizeInt(Napi::Env, int* value) { delete value; }

/** foreignExternal(): an External that is not a generator (as another addon's would be). */
Napi::Value ForeignExternal(const Napi::CallbackInfo& info) { return Napi::External<int>::New(info.Env(), new int(7), FinalizeInt); }

}  // namespace

void RegisterTestHooks(Napi::Env env, Napi::Object exports) {
  Napi::Object hooks = Napi::Object::New(env);
  Export<ThrowGuarded>(env, hooks, "throwGuarded");
  ExportFrame<ThrowFrame>(env, hooks, "throwFrame", 1);
  Export<ForeignExternal>(env, hooks, "foreignExternal");
  exports.Set("testHooks", hooks);
}

}  // namespace naskit
