// Registration of V8 fast calls (see fast_calls.h). Node-API gives no access to V8's function
// templates, so this file alone uses V8's API, and only while the addon loads.
#include "handle.h"

#if NASKIT_FAST_CALLS
#include <node_version.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace naskit {

namespace {

std::once_flag gDecided;
bool gFastCalls = false;  // the same for every thread of the process
std::string gWhy;         // why not, when not

// napi_value is a v8::Local<v8::Value> as Node implements Node-API (src/js_native_api_v8.h).
static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value and v8::Local differ in size");

napi_value ToNapi(v8::Local<v8::Value> local) {
  napi_value value;
  std::memcpy(static_cast<void*>(&value), &local, sizeof(local));
  return value;
}

}  // namespace

/**
 * V8's API is not ABI-stable across Node majors (Node-API is): fast calls are registered only under
 * the Node major whose headers built them, and not when NASKIT_FAST_CALLS=0 (to compare the two paths,
 * and to test the Node-API one).
 */
void DecideFastCalls(Napi::Env env) {
  std::call_once(gDecided, [env] {
    const char* setting = std::getenv("NASKIT_FAST_CALLS");
    const napi_node_version* version = nullptr;
    const bool sameNode = napi_get_node_version(env, &version) == napi_ok && version->major == NODE_MAJOR_VERSION;
    const bool disabled = setting != nullptr && std::strcmp(setting, "0") == 0;
    gFastCalls = sameNode && !disabled;
    if (disabled) gWhy = "NASKIT_FAST_CALLS=0";
    else if (!sameNode) gWhy = "built for Node " + std::to_string(NODE_MAJOR_VERSION) + ", running another major; rebuild with `node scripts/build-native.mjs --strict`";
  });
}

bool FastCallsUsable() { return gFastCalls; }

std::string FastCallsNote() { return gFastCalls ? "on" : "off: " + gWhy; }

void SetFastFunction(Napi::Env env, Napi::Object exports, const char* name, v8::Local<v8::FunctionTemplate> tmpl, int arity) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Function> fn = tmpl->GetFunction(context).ToLocalChecked();
  fn->SetName(v8::String::NewFromUtf8(isolate, name).ToLocalChecked());
  PublishFrameFunction(env, exports, name, ToNapi(fn), arity);
}

}  // namespace naskit
#endif
