// SPDX-License-Identifier: Apache-2.0
// Text and JSON descriptions of both artifacts.
#include "formats/inspect.h"

#include <cstdio>
#include <ctime>

#include "formats/json.h"
#include "formats/mace_format.h"
#include "mace_tune/artifacts.h"
#include "runtime/desc/kernel_description.h"

namespace mace_tune {
namespace {

std::string UtcTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  char text[32];
  if (gmtime_r(&t, &tm) == nullptr || std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return "invalid time " + std::to_string(unix_seconds);
  }
  return text;
}

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string Sizes(const std::array<uint32_t, 3>& v, uint32_t dims) {
  std::string text;
  for (uint32_t i = 0; i < dims && i < 3; ++i) text += (i ? "x" : "") + std::to_string(v[i]);
  return text;
}

void JsonSizes(JsonWriter* out, const char* name, const std::array<uint32_t, 3>& v, uint32_t dims) {
  out->BeginArray(name);
  for (uint32_t i = 0; i < dims && i < 3; ++i) out->Value(v[i]);
  out->EndArray();
}

std::string TimeText(double ns) { return ns > 0 ? Fixed(ns / 1e3, 1) + " us" : "-"; }

// Header lines shared by both kinds.
std::string TextHeader(const char* kind, const ArtifactMeta& meta, const DeviceFingerprint& d) {
  return std::string("kind:    ") + kind + "\n" + "format:  " + std::to_string(meta.format_major) + "." +
         std::to_string(meta.format_minor) + "\n" + "writer:  " + meta.writer_version + "\n" +
         "created: " + UtcTime(meta.created_unix) + "\n" + "device:  " + d.Describe() + "\n" + "         platform " +
         d.platform_name + " (" + d.platform_version + "), " + std::to_string(d.compute_units) +
         " compute units, max work-group " + std::to_string(d.max_work_group_size) + ", local memory " +
         std::to_string(d.local_mem_size) + " B, global memory " + std::to_string(d.global_mem_size) + " B\n";
}

void JsonHeader(JsonWriter* out, const char* kind, const ArtifactMeta& meta, const DeviceFingerprint& d) {
  out->BeginObject()
      .Field("kind", kind)
      .Field("format_version", std::to_string(meta.format_major) + "." + std::to_string(meta.format_minor))
      .Field("writer", meta.writer_version)
      .Field("created_utc", UtcTime(meta.created_unix))
      .Field("created_unix", meta.created_unix);
  out->BeginObject("device")
      .Field("id", d.Id())
      .Field("platform_name", d.platform_name)
      .Field("platform_version", d.platform_version)
      .Field("device_name", d.device_name)
      .Field("device_vendor", d.device_vendor)
      .Field("driver_version", d.driver_version)
      .Field("opencl_c_version", d.opencl_c_version)
      .Field("compute_units", d.compute_units)
      .Field("max_work_group_size", d.max_work_group_size)
      .Field("local_mem_size", d.local_mem_size)
      .Field("global_mem_size", d.global_mem_size)
      .EndObject();
}

std::string DescribePrograms(const ProgramBinaryFile& file, bool json) {
  if (json) {
    JsonWriter out;
    JsonHeader(&out, "program_binary", file.meta, file.device);
    out.BeginArray("programs");
    for (const ProgramEntry& e : file.programs) {
      out.BeginObject()
          .Field("program_key", e.program_key)
          .Field("program", e.program_name)
          .Field("build_options", e.build_options)
          .Field("source_digest", e.source_digest)
          .Field("binary_size", e.binary.size())
          .EndObject();
    }
    return out.EndArray().EndObject().str();
  }
  std::string out = TextHeader("compiled-program binary", file.meta, file.device);
  out += "programs: " + std::to_string(file.programs.size()) + "\n";
  for (const ProgramEntry& e : file.programs) {
    out += "  " + e.program_key + "  " + std::to_string(e.binary.size()) + " bytes\n";
  }
  return out;
}

// A user kernel's DESC section: what the runtime will launch it with, or why it cannot.
struct UserKernel {
  std::string error;  // empty when it decodes and builds
  desc::DescriptionText text;
  std::string digest;
};

UserKernel ReadUserKernel(const std::vector<uint8_t>& bytes) {
  UserKernel k;
  desc::DescriptionPtr d;
  if (!desc::DecodeDescription(bytes.data(), bytes.size(), &k.text, &k.error)) return k;
  if (desc::KernelDescription::Build(k.text, &d, &k.error)) k.digest = d->digest();
  return k;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string ParamNames(const desc::DescriptionText& t) {
  std::vector<std::string> names;
  for (const auto& p : t.params) names.push_back(p.name);
  return Joined(names);
}

void JsonUserKernels(JsonWriter* out, const TunedParamFile& file) {
  out->BeginArray("user_kernels");
  for (const auto& bytes : file.descriptions) {
    const UserKernel k = ReadUserKernel(bytes);
    out->BeginObject().Field("name", k.text.name).Field("program", k.text.program).Field("function", k.text.function);
    out->BeginArray("dims");
    for (const auto& dim : k.text.dims) out->Value(dim);
    out->EndArray().BeginArray("parameters");
    for (const auto& p : k.text.params) out->Value(p.name);
    out->EndArray().Field("source_bytes", k.text.source.size()).Field("description_digest", k.digest);
    if (k.error.empty()) {
      out->Null("error");
    } else {
      out->Field("error", k.error);
    }
    out->EndObject();
  }
  out->EndArray();
}

std::string TextUserKernels(const TunedParamFile& file) {
  if (file.descriptions.empty()) return {};
  std::string out = "user kernels: " + std::to_string(file.descriptions.size()) + "\n";
  for (const auto& bytes : file.descriptions) {
    const UserKernel k = ReadUserKernel(bytes);
    out += "  " + k.text.name + "  program " + k.text.program + ", function " + k.text.function + ", dims " +
           Joined(k.text.dims) + ", parameters " + ParamNames(k.text) + ", source " +
           std::to_string(k.text.source.size()) + " bytes";
    out += k.error.empty() ? ", description " + k.digest.substr(0, 16) + "\n" : "\n    unusable: " + k.error + "\n";
  }
  return out;
}

std::string DescribeTuned(const TunedParamFile& file, bool json) {
  if (json) {
    JsonWriter out;
    JsonHeader(&out, "tuned_params", file.meta, file.device);
    JsonUserKernels(&out, file);
    out.BeginArray("entries");
    for (const TunedEntry& e : file.entries) {
      out.BeginObject()
          .Field("tuning_key", e.tuning_key)
          .Field("params", e.params)
          .Field("build_options", e.build_options)
          .Field("default_params", e.default_params)
          .Field("dims", e.dims);
      JsonSizes(&out, "gws", e.gws, e.dims);
      JsonSizes(&out, "lws", e.lws, e.dims);
      out.Field("tuned_ns", e.tuned_ns).Field("default_ns", e.default_ns);
      if (e.default_ns > 0 && e.tuned_ns > 0) {
        out.Field("speedup", e.default_ns / e.tuned_ns);
      } else {
        out.Null("speedup");
      }
      out.EndObject();
    }
    return out.EndArray().EndObject().str();
  }
  std::string out = TextHeader("tuned parameters", file.meta, file.device);
  out += TextUserKernels(file);
  out += "entries: " + std::to_string(file.entries.size()) + "\n";
  for (const TunedEntry& e : file.entries) {
    out += "  " + e.tuning_key + "\n    params " + e.params + "  lws " + Sizes(e.lws, e.dims) + "  gws " +
           Sizes(e.gws, e.dims) + "\n    tuned " + TimeText(e.tuned_ns) + "  default " + TimeText(e.default_ns) + " (" +
           e.default_params + ")";
    if (e.default_ns > 0 && e.tuned_ns > 0) out += "  speed-up x" + Fixed(e.default_ns / e.tuned_ns, 2);
    out += "\n";
  }
  return out;
}

// One group per device; a single-device file reads as before. Multi-device bundles: the groups
// one after the other (text), or {"kind": "bundle", "groups": [...]} (JSON).
template <typename Bundle, typename Describe>
std::string DescribeGroups(const Bundle& bundle, bool json, Describe describe) {
  if (bundle.groups.size() == 1) return describe(bundle.groups[0], json);
  if (json) {
    JsonWriter out;
    out.BeginObject().Field("kind", "bundle").BeginArray("groups");
    for (const auto& group : bundle.groups) out.RawValue(describe(group, true));
    return out.EndArray().EndObject().str();
  }
  std::string text = "bundle:  " + std::to_string(bundle.groups.size()) + " device groups\n";
  for (size_t i = 0; i < bundle.groups.size(); ++i) {
    text += "--- group " + std::to_string(i + 1) + " of " + std::to_string(bundle.groups.size()) + "\n";
    text += describe(bundle.groups[i], false);
  }
  return text;
}

std::string SignatureLine(const std::vector<uint8_t>& bytes) {
  SignatureBlock block;
  if (!ReadSignatureBlock(bytes.data(), bytes.size(), &block).ok() || !block.present) return {};
  char hex[3];
  std::string key;
  for (size_t i = 0; i < 8; ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", block.public_key[i]);
    key += hex;
  }
  return "signed:  Ed25519, public key " + key + "... (check it with `mace_tune verify`)\n";
}

}  // namespace

std::string DescribeArtifact(const std::vector<uint8_t>& bytes, bool json, Status* status) {
  Status local;
  Status& result = status != nullptr ? *status : local;
  std::string text;
  switch (DetectArtifactKind(bytes.data(), bytes.size())) {
    case ArtifactKind::kProgramBinary: {
      ProgramBinaryBundle bundle;
      result = ReadProgramBinaryBundle(bytes.data(), bytes.size(), &bundle);
      if (result.ok()) text = DescribeGroups(bundle, json, DescribePrograms);
      break;
    }
    case ArtifactKind::kTunedParams: {
      TunedParamBundle bundle;
      result = ReadTunedParamBundle(bytes.data(), bytes.size(), &bundle);
      if (result.ok()) text = DescribeGroups(bundle, json, DescribeTuned);
      break;
    }
    case ArtifactKind::kUnknown: {
      // Not ours: perhaps MACE's own file (mace_cl_compiled_program.bin, tuned parameters).
      MaceKvFile mace;
      const Status mace_status = ReadMaceKvFile(bytes.data(), bytes.size(), &mace);
      if (mace_status.ok()) {
        result = Status::Ok();
        return DescribeMaceFile(mace, json);
      }
      result = Status(StatusCode::kBadFormat,
                      bytes.empty() ? "empty file: not a mace_tune artifact"
                                    : "not a mace_tune artifact (unknown magic), and " + mace_status.message());
      return {};
    }
  }
  if (result.ok() && !json) text += SignatureLine(bytes);
  return text;
}

}  // namespace mace_tune
