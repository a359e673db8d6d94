// The embedded runtime (mace_tune/runtime.h): loads and checks both artifacts, builds programs
// from a matching binary or else from the embedded source, and answers launch configs. Inside,
// OpenCL failures are ClError exceptions; every public function turns them into a Status.
#include "mace_tune/runtime.h"

#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include "cl/cl_core.h"

namespace mace_tune {
namespace {

template <typename Fn>
Status Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const ClError& e) {
    return Status(StatusCode::kOpenClError, e.what());
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::string LwsText(const LaunchGeometry& g) {
  std::string text;
  for (uint32_t i = 0; i < g.dims && i < 3; ++i) text += (i ? "x" : "") + std::to_string(g.lws[i]);
  return text;
}

size_t LwsProduct(const LaunchGeometry& g) {
  size_t product = 1;
  for (uint32_t i = 0; i < g.dims && i < 3; ++i) product *= g.lws[i];
  return product;
}

// Empty when the local size fits this device; otherwise why it does not.
std::string CheckLws(const LaunchGeometry& g, const DeviceLimits& limits) {
  for (uint32_t i = 0; i < g.dims && i < 3; ++i) {
    if (limits.max_work_item_sizes[i] != 0 && g.lws[i] > limits.max_work_item_sizes[i]) {
      return "local size " + LwsText(g) + " exceeds this device's max work-item size " +
             std::to_string(limits.max_work_item_sizes[i]) + " in dimension " + std::to_string(i);
    }
  }
  if (LwsProduct(g) > limits.max_work_group_size) {
    return "local size " + LwsText(g) + " (" + std::to_string(LwsProduct(g)) +
           " work-items) exceeds this device's max work-group size " +
           std::to_string(limits.max_work_group_size);
  }
  return {};
}

Status DefaultLaunch(const TuningKey& key, const DeviceLimits& limits, std::string reason,
                     LaunchConfig* config) {
  config->key = key;
  config->tuned = false;
  config->reason = std::move(reason);
  Status status = FamilyDefaultParams(key, limits, &config->params);
  if (status.ok()) status = FamilyBuildOptions(key, config->params, &config->build_options);
  if (status.ok()) status = FamilyGeometry(key, config->params, &config->geometry);
  return status;
}

// Fills `config` from a tuned entry; returns why the entry cannot be used (empty when it can).
std::string TunedLaunch(const TuningKey& key, const TunedEntry& entry, const DeviceLimits& limits,
                        LaunchConfig* config) {
  config->key = key;
  Status status = ParseParams(entry.params, &config->params);
  if (status.ok()) status = FamilyBuildOptions(key, config->params, &config->build_options);
  if (status.ok()) status = FamilyGeometry(key, config->params, &config->geometry);
  if (!status.ok()) return "tuned entry unusable: " + status.message();
  if (NormalizeBuildOptions(entry.build_options) != config->build_options) {
    return "tuned entry's build options '" + entry.build_options + "' differ from '" +
           config->build_options + "' that this runtime derives from its parameters";
  }
  const std::string lws_problem = CheckLws(config->geometry, limits);
  if (!lws_problem.empty()) return "tuned " + lws_problem;
  config->tuned = true;
  config->reason.clear();
  return {};
}

std::string DeviceMismatchText(const DeviceFingerprint& file, const DeviceFingerprint& mine) {
  return "written for " + file.Describe() + ", this device is " + mine.Describe();
}

}  // namespace

const char* ProgramOriginName(ProgramOrigin origin) noexcept {
  return origin == ProgramOrigin::kBinary ? "binary" : "source";
}

PreparedKernel::~PreparedKernel() {
  if (kernel_ != nullptr) clReleaseKernel(kernel_);
}

PreparedKernel::PreparedKernel(PreparedKernel&& other) noexcept
    : kernel_(std::exchange(other.kernel_, nullptr)),
      config_(std::move(other.config_)),
      origin_(other.origin_) {}

PreparedKernel& PreparedKernel::operator=(PreparedKernel&& other) noexcept {
  if (this != &other) {
    if (kernel_ != nullptr) clReleaseKernel(kernel_);
    kernel_ = std::exchange(other.kernel_, nullptr);
    config_ = std::move(other.config_);
    origin_ = other.origin_;
  }
  return *this;
}

struct Runtime::Impl {
  ~Impl() {
    if (device != nullptr) clReleaseDevice(device);
  }

  struct Built {
    Program program;
    ProgramOrigin origin = ProgramOrigin::kSource;
  };

  // The program built with these options: cached, else from the binary file, else from source.
  // Called with `mutex` held. Throws ClError when the source build fails.
  Status GetProgram(const std::string& program, const std::string& options, const Built** out);
  // Reads a file and hands its bytes to `load`; a failure is recorded in `*rejected` with the path.
  template <typename Load>
  Status LoadFile(const std::string& path, std::string* rejected, Load load) noexcept {
    return Guard([&] {
      std::vector<uint8_t> bytes;
      Status status = ReadFileBytes(path, &bytes);
      if (status.ok() && !(status = load(bytes)).ok()) status = Status(status.code(), path + ": " + status.message());
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        *rejected = status.ToString();
      }
      return status;
    });
  }
  std::string BinaryMissReason(const std::string& program, const std::string& options,
                               const std::string& digest) const;

  Context context;
  cl_device_id device = nullptr;
  DeviceFingerprint fingerprint;
  DeviceLimits limits;

  std::mutex mutex;  // guards everything below
  bool has_binaries = false;
  ProgramBinaryFile binaries;
  std::string binaries_rejected;  // why the last binary file was rejected, while none is loaded
  bool has_tuned = false;
  std::map<std::string, TunedEntry> tuned;  // by canonical tuning key
  std::string tuned_rejected;
  std::map<std::string, Built> cache;  // by program key
  std::vector<ProgramEvent> events;
};

std::string Runtime::Impl::BinaryMissReason(const std::string& program, const std::string& options,
                                            const std::string& digest) const {
  if (!has_binaries) {
    return binaries_rejected.empty() ? "no binary file loaded"
                                     : "binary file rejected: " + binaries_rejected;
  }
  for (const auto& entry : binaries.programs) {
    if (entry.program_name == program && NormalizeBuildOptions(entry.build_options) == options) {
      return "stale binary: kernel source changed (kSourceMismatch): the file's entry was built "
             "from source " + entry.source_digest.substr(0, 16) + ", this runtime embeds " +
             digest.substr(0, 16);
    }
  }
  return "not in binary file";
}

Status Runtime::Impl::GetProgram(const std::string& program, const std::string& raw_options,
                                 const Built** out) {
  const std::string options = NormalizeBuildOptions(raw_options);
  const std::string digest = ProgramSourceDigest(program);  // memoized: a cache hit copies no source
  const std::string key = ProgramKey(program, options, digest);
  if (const auto it = cache.find(key); it != cache.end()) {
    *out = &it->second;
    return Status::Ok();
  }
  const std::string source = ProgramSource(program);
  if (source.empty()) {
    return Status(StatusCode::kNotFound, "no embedded source for program '" + program + "'");
  }
  const auto start = std::chrono::steady_clock::now();
  ProgramEvent event;
  event.program_key = key;
  Built built;
  const ProgramEntry* entry = nullptr;
  if (has_binaries) {
    for (const auto& e : binaries.programs) {
      if (e.program_key == key) entry = &e;
    }
  }
  if (entry != nullptr) {
    try {
      built.program = BuildFromBinary(context.get(), device, entry->binary, options);
      built.origin = ProgramOrigin::kBinary;
      event.reason = "loaded from the binary file";
    } catch (const ClError& e) {
      // A failed MT_CL_CHECK(status) names the variable, not the call: name the call.
      const std::string call = e.call().rfind("cl", 0) == 0 ? e.call() : "clCreateProgramWithBinary";
      event.reason = std::string("driver rejected binary: ") + ClErrorName(e.code()) + " (" + call + ")";
    }
  } else {
    event.reason = BinaryMissReason(program, options, digest);
  }
  if (!built.program) built.program = BuildFromSource(context.get(), device, source, options);
  event.origin = built.origin;
  event.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  events.push_back(std::move(event));
  *out = &cache.emplace(key, std::move(built)).first->second;
  return Status::Ok();
}

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() = default;

Status Runtime::Create(cl_context context, cl_device_id device, std::unique_ptr<Runtime>* out) noexcept {
  return Guard([&] {
    if (context == nullptr || device == nullptr || out == nullptr) {
      return Status(StatusCode::kInvalidArgument, "Runtime::Create needs a context, a device and an output");
    }
    std::unique_ptr<Runtime> runtime(new Runtime());
    Impl& impl = *runtime->impl_;
    MT_CL_CHECK(clRetainContext(context));
    impl.context = Context(context);
    MT_CL_CHECK(clRetainDevice(device));
    impl.device = device;
    Status status = QueryFingerprint(device, &impl.fingerprint);
    if (status.ok()) status = QueryDeviceLimits(device, &impl.limits);
    if (!status.ok()) return status;
    *out = std::move(runtime);
    return Status::Ok();
  });
}

Status Runtime::LoadProgramBinaries(const std::string& path) noexcept {
  return impl_->LoadFile(path, &impl_->binaries_rejected, [this](const std::vector<uint8_t>& bytes) {
    return LoadProgramBinariesFromMemory(bytes.data(), bytes.size());
  });
}

Status Runtime::LoadProgramBinariesFromMemory(const void* data, size_t size) noexcept {
  return Guard([&] {
    ProgramBinaryFile file;
    Status status = ReadProgramBinaryFile(static_cast<const uint8_t*>(data), size, &file);
    if (status.ok() && !impl_->fingerprint.SameDevice(file.device)) {
      status = Status(StatusCode::kDeviceMismatch, DeviceMismatchText(file.device, impl_->fingerprint));
    } else if (status.ok() && !impl_->fingerprint.SameDriver(file.device)) {
      status = Status(StatusCode::kDriverMismatch,
                      "program binaries built with driver " + file.device.driver_version + " (" +
                          file.device.platform_version + "), this device runs driver " +
                          impl_->fingerprint.driver_version + " (" + impl_->fingerprint.platform_version + ")");
    }
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!status.ok()) {
      impl_->binaries_rejected = status.ToString();
      return status;
    }
    impl_->binaries = std::move(file);
    impl_->has_binaries = true;
    impl_->binaries_rejected.clear();
    return Status::Ok();
  });
}

Status Runtime::LoadTunedParams(const std::string& path) noexcept {
  return impl_->LoadFile(path, &impl_->tuned_rejected, [this](const std::vector<uint8_t>& bytes) {
    return LoadTunedParamsFromMemory(bytes.data(), bytes.size());
  });
}

Status Runtime::LoadTunedParamsFromMemory(const void* data, size_t size) noexcept {
  return Guard([&] {
    TunedParamFile file;
    Status status = ReadTunedParamFile(static_cast<const uint8_t*>(data), size, &file);
    // Launch parameters stay valid across driver versions of one device; binaries do not.
    if (status.ok() && !impl_->fingerprint.SameDevice(file.device)) {
      status = Status(StatusCode::kDeviceMismatch, DeviceMismatchText(file.device, impl_->fingerprint));
    }
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!status.ok()) {
      impl_->tuned_rejected = status.ToString();
      return status;
    }
    std::map<std::string, TunedEntry> index;
    for (auto& entry : file.entries) {
      TuningKey key;  // a key written in another order still finds its entry
      const std::string canonical =
          TuningKey::Parse(entry.tuning_key, &key).ok() ? key.ToString() : entry.tuning_key;
      index[canonical] = std::move(entry);
    }
    impl_->tuned = std::move(index);
    impl_->has_tuned = true;
    impl_->tuned_rejected.clear();
    return Status::Ok();
  });
}

Status Runtime::GetLaunch(const std::string& tuning_key, LaunchConfig* out) noexcept {
  return Guard([&] {
    TuningKey key;
    Status status = TuningKey::Parse(tuning_key, &key);
    if (status.ok()) status = ValidateKey(key);
    if (!status.ok()) return status;
    bool found = false;
    TunedEntry entry;
    std::string why_default;
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      const auto it = impl_->tuned.find(key.ToString());
      if (it != impl_->tuned.end()) {
        found = true;
        entry = it->second;
      } else if (impl_->has_tuned) {
        why_default = "no tuned entry";
      } else {
        why_default = impl_->tuned_rejected.empty()
                          ? "no tuned entry (no tuned-parameter file loaded)"
                          : "no tuned entry (tuned-parameter file rejected: " + impl_->tuned_rejected + ")";
      }
    }
    LaunchConfig config;
    if (found) {
      why_default = TunedLaunch(key, entry, impl_->limits, &config);
      if (why_default.empty()) {
        *out = std::move(config);
        return Status::Ok();
      }
    }
    status = DefaultLaunch(key, impl_->limits, why_default, &config);
    if (status.ok()) *out = std::move(config);
    return status;
  });
}

Status Runtime::Prepare(const std::string& tuning_key, PreparedKernel* out) noexcept {
  return Guard([&] {
    LaunchConfig config;
    Status status = GetLaunch(tuning_key, &config);
    if (!status.ok()) return status;
    const FamilyInfo* family = FindFamily(config.key.family);
    const std::string kernel_name(family->kernel);
    std::lock_guard<std::mutex> lock(impl_->mutex);
    const Impl::Built* built = nullptr;
    if (!(status = impl_->GetProgram(std::string(family->program), config.build_options, &built)).ok()) {
      return status;
    }
    Kernel kernel = mace_tune::CreateKernel(built->program.get(), kernel_name);
    const size_t kernel_max = KernelWorkGroupSize(kernel.get(), impl_->device);
    if (kernel_max < LwsProduct(config.geometry)) {
      // This kernel, as compiled, cannot run that many work-items per group: the default
      // heuristic, bounded by the kernel's own limit, always can.
      std::string reason = std::string(config.tuned ? "tuned" : "default") + " local size " +
                           LwsText(config.geometry) + " exceeds the kernel's work-group size " +
                           std::to_string(kernel_max) + " on this device";
      DeviceLimits limits = impl_->limits;
      limits.max_work_group_size = kernel_max;
      if (!(status = DefaultLaunch(config.key, limits, reason, &config)).ok()) return status;
      if (!(status = impl_->GetProgram(std::string(family->program), config.build_options, &built)).ok()) {
        return status;
      }
      kernel = mace_tune::CreateKernel(built->program.get(), kernel_name);
      if (KernelWorkGroupSize(kernel.get(), impl_->device) < LwsProduct(config.geometry)) {
        return Status(StatusCode::kOpenClError, "no local size fits kernel " + kernel_name + ": " + reason);
      }
    }
    PreparedKernel prepared;
    prepared.kernel_ = kernel.Detach();
    prepared.config_ = std::move(config);
    prepared.origin_ = built->origin;
    *out = std::move(prepared);
    return Status::Ok();
  });
}

Status Runtime::CreateKernel(const std::string& program, const std::string& kernel_name,
                             const std::string& build_options, cl_kernel* out,
                             ProgramOrigin* origin) noexcept {
  return Guard([&] {
    if (out == nullptr) return Status(StatusCode::kInvalidArgument, "CreateKernel needs an output");
    std::lock_guard<std::mutex> lock(impl_->mutex);
    const Impl::Built* built = nullptr;
    Status status = impl_->GetProgram(program, build_options, &built);
    if (!status.ok()) return status;
    *out = mace_tune::CreateKernel(built->program.get(), kernel_name).Detach();
    if (origin != nullptr) *origin = built->origin;
    return Status::Ok();
  });
}

const std::vector<ProgramEvent>& Runtime::program_events() const noexcept { return impl_->events; }

const DeviceFingerprint& Runtime::device_fingerprint() const noexcept { return impl_->fingerprint; }

}  // namespace mace_tune
