// SPDX-License-Identifier: Apache-2.0
// The embedded runtime's public API (mace_tune/runtime.h): loading both artifacts, launch configs
// through the exact -> nearest -> default chain, kernels, background builds. Inside, OpenCL
// failures are ClError exceptions; every public function turns them into a Status.
#include "mace_tune/runtime.h"

#include <utility>

#include "runtime/src/runtime_impl.h"

namespace mace_tune {
namespace {

constexpr size_t kMemoLimit = 4096;  // distinct key texts remembered by GetLaunch

}  // namespace

const char* ProgramOriginName(ProgramOrigin origin) noexcept {
  switch (origin) {
    case ProgramOrigin::kBinary:
      return "binary";
    case ProgramOrigin::kCache:
      return "cache";
    case ProgramOrigin::kSource:
      break;
  }
  return "source";
}

const char* LaunchOriginName(LaunchOrigin origin) noexcept {
  switch (origin) {
    case LaunchOrigin::kExact:
      return "exact";
    case LaunchOrigin::kNearest:
      return "nearest";
    case LaunchOrigin::kDefault:
      break;
  }
  return "default";
}

PreparedKernel::~PreparedKernel() {
  if (kernel_ != nullptr) clReleaseKernel(kernel_);
}

PreparedKernel::PreparedKernel(PreparedKernel&& other) noexcept
    : kernel_(std::exchange(other.kernel_, nullptr)), config_(std::move(other.config_)), origin_(other.origin_) {}

PreparedKernel& PreparedKernel::operator=(PreparedKernel&& other) noexcept {
  if (this != &other) {
    if (kernel_ != nullptr) clReleaseKernel(kernel_);
    kernel_ = std::exchange(other.kernel_, nullptr);
    config_ = std::move(other.config_);
    origin_ = other.origin_;
  }
  return *this;
}

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() = default;

Status Runtime::Create(cl_context context, cl_device_id device, std::unique_ptr<Runtime>* out) noexcept {
  return Create(context, device, RuntimeOptions(), out);
}

Status Runtime::Create(cl_context context, cl_device_id device, const RuntimeOptions& options,
                       std::unique_ptr<Runtime>* out) noexcept {
  return GuardStatus([&] {
    if (context == nullptr || device == nullptr || out == nullptr) {
      return Status(StatusCode::kInvalidArgument, "Runtime::Create needs a context, a device and an output");
    }
    std::unique_ptr<Runtime> runtime(new Runtime());
    Impl& impl = *runtime->impl_;
    impl.options = options;
    MT_CL_CHECK(clRetainContext(context));
    impl.context = Context(context);
    MT_CL_CHECK(clRetainDevice(device));
    impl.device = device;
    Status status = QueryFingerprint(device, &impl.fingerprint);
    if (status.ok()) status = QueryDeviceLimits(device, &impl.limits);
    if (!status.ok()) return status;
    if (!options.cache_path.empty()) impl.ReadCacheFile();  // a bad cache is a status, not a failure
    *out = std::move(runtime);
    return Status::Ok();
  });
}

Status Runtime::LoadProgramBinaries(const std::string& path) noexcept {
  return GuardStatus([&] {
    std::shared_ptr<const detail::ArtifactBytes> bytes;
    Status status = detail::ArtifactBytes::Open(path, &bytes);
    if (status.ok()) status = impl_->LoadBinaries(std::move(bytes), &impl_->binaries);
    if (!status.ok()) {
      status = Status(status.code(), path + ": " + status.message());
      std::lock_guard<std::mutex> lock(impl_->mutex);
      impl_->binaries.rejected = status.ToString();
    }
    return status;
  });
}

Status Runtime::LoadProgramBinariesFromMemory(const void* data, size_t size) noexcept {
  return GuardStatus([&] { return impl_->LoadBinaries(detail::ArtifactBytes::Copy(data, size), &impl_->binaries); });
}

Status Runtime::LoadProgramBinariesFromStaticMemory(const void* data, size_t size) noexcept {
  return GuardStatus([&] { return impl_->LoadBinaries(detail::ArtifactBytes::View(data, size), &impl_->binaries); });
}

Status Runtime::LoadTunedParams(const std::string& path) noexcept {
  return GuardStatus([&] {
    std::shared_ptr<const detail::ArtifactBytes> bytes;
    Status status = detail::ArtifactBytes::Open(path, &bytes);
    if (status.ok()) status = LoadTunedParamsFromMemory(bytes->data(), bytes->size());
    if (!status.ok()) {
      status = Status(status.code(), path + ": " + status.message());
      std::lock_guard<std::mutex> lock(impl_->launch_mutex);
      impl_->table.SetRejected(status.ToString());
      impl_->memo.clear();
    }
    return status;
  });
}

Status Runtime::LoadTunedParamsFromMemory(const void* data, size_t size) noexcept {
  return GuardStatus([&] {
    Status status = impl_->VerifySignature(static_cast<const uint8_t*>(data), size);
    TunedParamBundle bundle;
    if (status.ok()) status = ReadTunedParamBundle(static_cast<const uint8_t*>(data), size, &bundle);
    TunedParamFile* mine = nullptr;
    if (status.ok()) {
      // Launch parameters stay valid across driver versions of one device; binaries do not.
      for (auto& group : bundle.groups) {
        if (mine == nullptr && impl_->fingerprint.SameDevice(group.device)) mine = &group;
      }
      if (mine == nullptr) {
        status = Status(StatusCode::kDeviceMismatch,
                        bundle.groups.size() == 1
                            ? "written for " + bundle.groups[0].device.Describe() + ", this device is " +
                                  impl_->fingerprint.Describe()
                            : "none of the bundle's " + std::to_string(bundle.groups.size()) +
                                  " device groups is this device (" + impl_->fingerprint.Describe() + ")");
      }
    }
    auto descriptions = std::make_shared<desc::DescriptionSet>();
    if (status.ok()) status = detail::LoadDescriptions(*mine, descriptions.get());
    std::lock_guard<std::mutex> lock(impl_->launch_mutex);
    impl_->memo.clear();
    if (!status.ok()) {
      impl_->table.SetRejected(status.ToString());
      return status;
    }
    impl_->SetUserKernels(std::move(descriptions));
    impl_->table.Load(std::move(mine->entries));
    return Status::Ok();
  });
}

Status Runtime::GetLaunch(const std::string& tuning_key, LaunchConfig* out) noexcept {
  return GuardStatus([&] {
    if (out == nullptr) return Status(StatusCode::kInvalidArgument, "GetLaunch needs an output");
    std::lock_guard<std::mutex> lock(impl_->launch_mutex);
    if (const auto it = impl_->memo.find(tuning_key); it != impl_->memo.end()) {
      *out = it->second;
      return Status::Ok();
    }
    TuningKey key;
    Status status = TuningKey::Parse(tuning_key, &key);
    const desc::KernelDescription* description = status.ok() ? impl_->Describe(key.family) : nullptr;
    if (status.ok() && description == nullptr) {
      status = Status(StatusCode::kInvalidArgument, "unknown kernel family '" + key.family +
                                                        "' (not built in; a user's kernel is known once a "
                                                        "tuned-parameter file that carries its description is loaded)");
    }
    if (status.ok()) status = description->ValidateKey(key);
    LaunchConfig config;
    if (status.ok()) {
      status = impl_->table.Resolve(*description, key, impl_->limits, impl_->options.max_nearest_distance, &config);
    }
    if (!status.ok()) return status;
    if (impl_->memo.size() >= kMemoLimit) impl_->memo.clear();
    impl_->memo.emplace(tuning_key, config);
    *out = std::move(config);
    return Status::Ok();
  });
}

Status Runtime::Prepare(const std::string& tuning_key, PreparedKernel* out) noexcept {
  return GuardStatus([&] {
    if (out == nullptr) return Status(StatusCode::kInvalidArgument, "Prepare needs an output");
    LaunchConfig config;
    Status status = GetLaunch(tuning_key, &config);
    if (!status.ok()) return status;
    const desc::KernelDescription* description = impl_->Describe(config.key.family);
    const std::string kernel_name = description->function();
    const std::string program = description->program();
    std::lock_guard<std::mutex> lock(impl_->mutex);
    const Impl::Built* built = nullptr;
    if (!(status = impl_->GetProgram(program, config.build_options, &built)).ok()) return status;
    Kernel kernel = mace_tune::CreateKernel(built->program.get(), kernel_name);
    const size_t kernel_max = KernelWorkGroupSize(kernel.get(), impl_->device);
    if (kernel_max < detail::LwsProduct(config.geometry)) {
      // This kernel, as compiled, cannot run that many work-items per group: the default
      // heuristic, bounded by the kernel's own limit, always can.
      std::string reason = std::string(config.tuned ? "tuned" : "default") + " local size " +
                           detail::LwsText(config.geometry) + " exceeds the kernel's work-group size " +
                           std::to_string(kernel_max) + " on this device";
      DeviceLimits limits = impl_->limits;
      limits.max_work_group_size = kernel_max;
      if (!(status = detail::DefaultLaunch(*description, config.key, limits, reason, &config)).ok()) return status;
      if (!(status = impl_->GetProgram(program, config.build_options, &built)).ok()) return status;
      kernel = mace_tune::CreateKernel(built->program.get(), kernel_name);
      if (KernelWorkGroupSize(kernel.get(), impl_->device) < detail::LwsProduct(config.geometry)) {
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
                             const std::string& build_options, cl_kernel* out, ProgramOrigin* origin) noexcept {
  return GuardStatus([&] {
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

Status Runtime::SetProgramSource(const std::string& program, const std::string& source) noexcept {
  return GuardStatus([&] {
    if (program.empty() || source.empty()) {
      return Status(StatusCode::kInvalidArgument, "SetProgramSource needs a program name and its source");
    }
    const desc::KernelDescription* builtin = desc::FindDescriptionOfProgram(program);
    if (builtin != nullptr && builtin->builtin()) {
      return Status(StatusCode::kInvalidArgument, "'" + program + "' is a built-in program: its source is embedded");
    }
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->app_sources[program] = source;
    return Status::Ok();
  });
}

Status Runtime::BuildInBackground(const std::vector<std::string>& tuning_keys) noexcept {
  return GuardStatus([&] {
    std::vector<std::pair<std::string, std::string>> programs;  // (program, build options)
    for (const auto& text : tuning_keys) {
      LaunchConfig config;
      Status status = GetLaunch(text, &config);
      if (!status.ok()) return status;
      programs.emplace_back(impl_->Describe(config.key.family)->program(), config.build_options);
    }
    std::lock_guard<std::mutex> lock(impl_->background_mutex);
    if (impl_->background.joinable()) {
      return Status(StatusCode::kInvalidArgument, "a background build is running: WaitForBackgroundBuild() first");
    }
    impl_->background_status = Status::Ok();
    Impl* impl = impl_.get();
    impl_->background = std::thread([impl, programs = std::move(programs)] {
      for (const auto& item : programs) {
        // One program per lock: a Prepare() of another, already built program need not wait long.
        const Status status = GuardStatus([&] {
          std::lock_guard<std::mutex> program_lock(impl->mutex);
          const Impl::Built* built = nullptr;
          return impl->GetProgram(item.first, item.second, &built);
        });
        if (!status.ok() && impl->background_status.ok()) impl->background_status = status;
      }
    });
    return Status::Ok();
  });
}

Status Runtime::WaitForBackgroundBuild() noexcept {
  return GuardStatus([&] {
    std::lock_guard<std::mutex> lock(impl_->background_mutex);
    if (impl_->background.joinable()) impl_->background.join();
    return impl_->background_status;
  });
}

Status Runtime::cache_status() const noexcept {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->cache_status;
}

const std::vector<ProgramEvent>& Runtime::program_events() const noexcept { return impl_->events; }

const DeviceFingerprint& Runtime::device_fingerprint() const noexcept { return impl_->fingerprint; }

}  // namespace mace_tune
