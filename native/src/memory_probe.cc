// The memory probe: what libtorch allocates at the peak of a piece of work (docs/engine.md, "Memory").
//
// While memory profiling is enabled on a thread, libtorch's CPU allocator reports each allocation
// and each free of memory it allocated to the MemoryReportingInfoBase held in the thread's debug
// info (the hook behind torch.profiler's profile_memory). The probe installs one that keeps the
// running sum and its maximum: the peak of the bytes allocated since the probe started, saved
// activations, gradients and backward's temporaries included, which live handles alone do not show.
// A probe is per thread, and ops run on the intra-op pool report there only where libtorch carries
// the debug info over (tensor outputs are allocated by the calling thread).
#include "handle.h"

#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>

#include <algorithm>
#include <atomic>
#include <memory>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace naskit {
namespace {

class PeakReporter final : public c10::MemoryReportingInfoBase {
 public:
  bool memoryProfilingEnabled() const override { return true; }
  // libtorch 1.x passes the totals as int64_t and 2.x as size_t: the matching overload overrides the
  // base's, the other is never called.
  void reportMemoryUsage(void*, int64_t size, int64_t, int64_t, c10::Device device) { Add(size, device); }
  void reportMemoryUsage(void*, int64_t size, size_t, size_t, c10::Device device) { Add(size, device); }

  int64_t current() const { return current_.load(); }
  int64_t peak() const { return peak_.load(); }

 private:
  void Add(int64_t size, c10::Device device) {
    if (device.type() != c10::DeviceType::CPU) return;
    const int64_t now = current_.fetch_add(size) + size;
    int64_t seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
  }
  std::atomic<int64_t> current_{0};
  std::atomic<int64_t> peak_{0};
};

// The debug info is per thread, and so is the probe (each worker thread has its own engine).
thread_local std::shared_ptr<PeakReporter> probe;

/** memoryProbeStart(): starts counting this thread's allocations. */
Napi::Value MemoryProbeStart(const Napi::CallbackInfo& info) {
  if (probe) Raise("PROBE_ACTIVE", "memoryProbeStart: a memory probe is already running on this thread; stop it with memoryProbeStop() first");
  if (c10::ThreadLocalDebugInfo::get(c10::DebugInfoKind::PROFILER_STATE) != nullptr) {
    Raise("PROBE_UNAVAILABLE", "memoryProbeStart: libtorch's profiler is active on this thread, and the probe uses the same hook");
  }
  probe = std::make_shared<PeakReporter>();
  c10::ThreadLocalDebugInfo::_push(c10::DebugInfoKind::PROFILER_STATE, probe);
  return info.Env().Undefined();
}

/** memoryProbeStop(): [peak bytes, net bytes] allocated since memoryProbeStart (frees of older memory are not seen). */
Napi::Value MemoryProbeStop(const Napi::CallbackInfo& info) {
  if (!probe) Raise("PROBE_NOT_ACTIVE", "memoryProbeStop: no memory probe is running on this thread; call memoryProbeStart() first");
  c10::ThreadLocalDebugInfo::_pop(c10::DebugInfoKind::PROFILER_STATE);
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(probe->peak())));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(probe->current())));
  probe.reset();
  return out;
}

/**
 * trimHeap(): returns the heap's free memory to the system (glibc's malloc_trim); true when some
 * was. handle.cc keeps freed memory in the heap for the next training step; between trials, the
 * system's free memory is only accurate after this.
 */
Napi::Value TrimHeap(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

void RegisterMemoryProbe(Napi::Env env, Napi::Object exports) {
  Export<MemoryProbeStart>(env, exports, "memoryProbeStart");
  Export<MemoryProbeStop>(env, exports, "memoryProbeStop");
  Export<TrimHeap>(env, exports, "trimHeap");
}

}  // namespace naskit
