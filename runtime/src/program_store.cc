// SPDX-License-Identifier: Apache-2.0
// Programs of the runtime: loading and indexing binary files and bundles (read once, views into
// those bytes), the chain binary file -> cache file -> source, and cache-update mode's atomic write-back.
#include <chrono>
#include <ctime>

#include "mace_tune/signature.h"
#include "runtime/src/runtime_impl.h"

namespace mace_tune {
namespace {

std::string DeviceMismatchText(const DeviceFingerprint& file, const DeviceFingerprint& mine) {
  return "written for " + file.Describe() + ", this device is " + mine.Describe();
}

}  // namespace

Runtime::Impl::~Impl() {
  if (background.joinable()) background.join();
  if (device != nullptr) clReleaseDevice(device);
}

Status Runtime::Impl::VerifySignature(const uint8_t* data, size_t size) const {
  if (!options.require_signature) return Status::Ok();
  return VerifyArtifactSignature(data, size, options.trusted_public_key);
}

Status Runtime::Impl::LoadBinaries(std::shared_ptr<const detail::ArtifactBytes> bytes, BinarySource* source) {
  Status status = VerifySignature(bytes->data(), bytes->size());
  detail::ProgramBundleView view;
  if (status.ok()) status = detail::ReadProgramBundleView(bytes->data(), bytes->size(), &view);
  const detail::ProgramGroupView* mine = nullptr;
  const detail::ProgramGroupView* other_driver = nullptr;
  if (status.ok()) {
    for (const auto& group : view.groups) {
      if (mine == nullptr && fingerprint.SameDriver(group.device)) mine = &group;
      if (other_driver == nullptr && fingerprint.SameDevice(group.device)) other_driver = &group;
    }
    if (mine == nullptr && other_driver != nullptr) {
      status = Status(StatusCode::kDriverMismatch,
                      "program binaries built with driver " + other_driver->device.driver_version + " (" +
                          other_driver->device.platform_version + "), this device runs driver " +
                          fingerprint.driver_version + " (" + fingerprint.platform_version + ")");
    } else if (mine == nullptr) {
      status = Status(StatusCode::kDeviceMismatch,
                      view.groups.size() == 1 ? DeviceMismatchText(view.groups[0].device, fingerprint)
                                              : "none of the bundle's " + std::to_string(view.groups.size()) +
                                                    " device groups is this device (" + fingerprint.Describe() + ")");
    }
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (!status.ok()) {
    source->rejected = status.ToString();
    return status;
  }
  std::map<std::string, detail::ProgramEntryView> index;
  for (const auto& entry : mine->programs) index.emplace(entry.program_key, entry);
  source->programs = std::move(index);
  source->bytes = std::move(bytes);
  source->loaded = true;
  source->rejected.clear();
  return Status::Ok();
}

std::string Runtime::Impl::BinaryMissReason(const std::string& program, const std::string& program_options,
                                            const std::string& digest) const {
  if (!binaries.loaded) {
    return binaries.rejected.empty() ? "no binary file loaded" : "binary file rejected: " + binaries.rejected;
  }
  for (const auto& [key, entry] : binaries.programs) {
    if (entry.program_name == program && NormalizeBuildOptions(entry.build_options) == program_options) {
      return "stale binary: kernel source changed (kSourceMismatch): the file's entry was built "
             "from source " +
             entry.source_digest.substr(0, 16) + ", this runtime embeds " + digest.substr(0, 16);
    }
  }
  return "not in binary file";
}

Status Runtime::Impl::GetProgram(const std::string& program, const std::string& raw_options, const Built** out) {
  const std::string program_options = NormalizeBuildOptions(raw_options);
  const std::string digest = DigestOf(program);  // memoized for built-ins: a cache hit copies no source
  const std::string key = ProgramKey(program, program_options, digest);
  if (const auto it = built.find(key); it != built.end()) {
    *out = &it->second;
    return Status::Ok();
  }
  const std::string source = SourceOf(program);
  const auto start = std::chrono::steady_clock::now();
  ProgramEvent event;
  event.program_key = key;
  Built result;
  std::string miss = BinaryMissReason(program, program_options, digest);
  // The shipped binary file first, then the cache file of an earlier start.
  const std::pair<BinarySource*, ProgramOrigin> chain[] = {{&binaries, ProgramOrigin::kBinary},
                                                           {&cache_file, ProgramOrigin::kCache}};
  for (const auto& [from, origin] : chain) {
    const auto it = from->programs.find(key);
    if (result.program || it == from->programs.end()) continue;
    try {
      result.program =
          BuildFromBinary(context.get(), device, it->second.binary, it->second.binary_size, program_options);
      result.origin = origin;
      event.reason = origin == ProgramOrigin::kBinary ? "loaded from the binary file"
                                                      : "loaded from the cache file (" + miss + ")";
    } catch (const ClError& e) {
      // A failed MT_CL_CHECK(status) names the variable, not the call: name the call.
      std::string call = e.call().rfind("cl", 0) == 0 ? e.call() : "clCreateProgramWithBinary";
      if (!e.detail().empty() && e.detail().size() <= 120) call += ": " + e.detail();  // not a whole build log
      miss = std::string("driver rejected ") + (origin == ProgramOrigin::kBinary ? "binary" : "cached binary") + ": " +
             ClErrorName(e.code()) + " (" + call + ")";
      if (origin == ProgramOrigin::kCache) cache_file.programs.erase(it);
    }
  }
  if (!result.program) {
    event.reason = miss;
    if (source.empty()) {
      return Status(StatusCode::kNotFound, "no source for program '" + program + "' (" + miss +
                                               "): give it with SetProgramSource, or ship its binary");
    }
    result.program = BuildFromSource(context.get(), device, source, program_options);
    if (!options.cache_path.empty()) {
      const std::vector<unsigned char> binary = ProgramBinary(result.program.get());
      cache_added.push_back(
          {key, program, program_options, digest, std::vector<uint8_t>(binary.begin(), binary.end())});
      WriteCacheFile();
      event.reason +=
          cache_status.ok() ? "; written to the cache file" : "; cache not written: " + cache_status.ToString();
    }
  }
  event.origin = result.origin;
  event.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  events.push_back(std::move(event));
  *out = &built.emplace(key, std::move(result)).first->second;
  return Status::Ok();
}

std::shared_ptr<const desc::DescriptionSet> Runtime::Impl::UserKernels() {
  std::lock_guard<std::mutex> lock(descriptions_mutex);
  return descriptions;
}

void Runtime::Impl::SetUserKernels(std::shared_ptr<const desc::DescriptionSet> set) {
  std::lock_guard<std::mutex> lock(descriptions_mutex);
  loaded_descriptions.push_back(set);  // kept for the runtime's life: pointers into it stay valid
  descriptions = std::move(set);
}

const desc::KernelDescription* Runtime::Impl::Describe(const std::string& family) {
  const desc::KernelDescription* found = UserKernels()->Find(family);
  return found != nullptr ? found : desc::FindDescription(family);
}

std::string Runtime::Impl::SourceOf(const std::string& program) {
  const desc::KernelDescription* builtin = desc::FindDescriptionOfProgram(program);
  if (builtin != nullptr && builtin->builtin()) return ProgramSource(program);
  if (const auto it = app_sources.find(program); it != app_sources.end()) return it->second;
  if (const desc::KernelDescription* d = UserKernels()->FindProgram(program)) return d->text().source;
  return ProgramSource(program);
}

std::string Runtime::Impl::DigestOf(const std::string& program) {
  const desc::KernelDescription* builtin = desc::FindDescriptionOfProgram(program);
  if (builtin != nullptr && builtin->builtin()) return ProgramSourceDigest(program);
  const desc::KernelDescription* d = UserKernels()->FindProgram(program);
  if (d == nullptr) return ProgramSourceDigest(program);
  return desc::UserProgramDigest(SourceOf(program), *d);
}

void Runtime::Impl::ReadCacheFile() {
  std::shared_ptr<const detail::ArtifactBytes> bytes;
  Status status = detail::ArtifactBytes::Open(options.cache_path, &bytes);
  if (status.code() == StatusCode::kNotFound) {
    cache_status = Status::Ok();  // the first start: nothing cached yet
    return;
  }
  if (status.ok()) {
    // The cache is written by this runtime on this device: it is digest- and device-checked but
    // never signed, so a required signature does not apply to it.
    const bool require = options.require_signature;
    options.require_signature = false;
    status = LoadBinaries(std::move(bytes), &cache_file);
    options.require_signature = require;
  }
  cache_status =
      status.ok() ? status : Status(status.code(), "cache file " + options.cache_path + ": " + status.message());
}

void Runtime::Impl::WriteCacheFile() {
  ProgramBinaryFile file;
  file.meta.writer_version = std::string("mace_tune runtime ") + MACE_TUNE_RUNTIME_VERSION;
  file.meta.created_unix = static_cast<int64_t>(std::time(nullptr));
  file.device = fingerprint;
  for (const auto& [key, e] : cache_file.programs) {
    file.programs.push_back({e.program_key, e.program_name, e.build_options, e.source_digest,
                             std::vector<uint8_t>(e.binary, e.binary + e.binary_size)});
  }
  for (const auto& e : cache_added) {
    if (cache_file.programs.count(e.program_key) == 0) file.programs.push_back(e);
  }
  const std::vector<uint8_t> bytes = EncodeProgramBinaryFile(file);
  Status status = detail::WriteFileAtomicImpl(options.cache_path, bytes.data(), bytes.size());
  cache_status = status;
}

}  // namespace mace_tune
