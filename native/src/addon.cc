// Entry point of the naskit engine addon: registers every op family (one file each).
#include "handle.h"

namespace naskit {

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  try {
    RegisterHandle(env, exports);  // first: it installs the per-environment state
    RegisterCreation(env, exports);
    RegisterElementwise(env, exports);
    RegisterReduction(env, exports);
    RegisterShape(env, exports);
    RegisterNnOps(env, exports);
    RegisterAutograd(env, exports);
    RegisterInplace(env, exports);
    RegisterMemoryProbe(env, exports);
    RegisterTestHooks(env, exports);
  } catch (const OpError& e) {
    // node-addon-api turns only a Napi::Error into the JS exception of require().
    throw Napi::Error::New(env, std::string(e.code()) + ": " + e.what());
  }
  return exports;
}

}  // namespace naskit

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return naskit::Init(env, exports); }

NODE_API_MODULE(naskit_engine, InitAddon)
