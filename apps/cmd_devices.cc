// SPDX-License-Identifier: Apache-2.0
// `mace_tune devices`: every platform and device, its fingerprint and matched profile.
#include <fmt/format.h>

#include "apps/commands.h"
#include "device_profiles/device_profile.h"
#include "formats/json.h"
#include "mace_tune/fingerprint.h"
#include "runtime/cl/device_select.h"

namespace mace_tune::cli {

void AddDevicesCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("devices", "list OpenCL platforms and devices with fingerprints and profiles");
  static bool json = false;
  cmd->add_flag("--json", json, "machine-readable output");
  cmd->callback([&global] {
    const auto devices = ListDevices();
    cl_device_id selected = nullptr;
    try {
      DeviceFingerprint f;
      selected = SelectDevice(global.platform, global.device).device;
    } catch (const std::exception&) {
      // No device matches the filters: list all the same, none marked.
    }
    JsonWriter out;
    out.BeginObject().Field("tool", ToolVersion()).BeginArray("devices");
    if (devices.empty() && !json) fmt::print("no OpenCL device found\n");
    for (const auto& d : devices) {
      DeviceFingerprint f;
      const Status status = QueryFingerprint(d.device, &f);
      if (!status.ok()) throw std::runtime_error(status.ToString());
      const DeviceProfile profile = MatchProfile(f);
      const bool is_selected = d.device == selected;
      if (json) {
        out.BeginObject()
            .Field("id", f.Id())
            .Field("selected", is_selected)
            .Field("platform_name", f.platform_name)
            .Field("platform_version", f.platform_version)
            .Field("device_name", f.device_name)
            .Field("device_vendor", f.device_vendor)
            .Field("driver_version", f.driver_version)
            .Field("opencl_c_version", f.opencl_c_version)
            .Field("compute_units", static_cast<int64_t>(f.compute_units))
            .Field("max_work_group_size", f.max_work_group_size)
            .Field("local_mem_size", f.local_mem_size)
            .Field("global_mem_size", f.global_mem_size)
            .Field("is_gpu", d.is_gpu)
            .Field("profile", profile.name)
            .Field("profile_level", profile.level)
            .Field("select", d.Selector())
            .Field("pci_bus", d.pci_bus)
            .EndObject();
        continue;
      }
      fmt::print("{} {} / {}\n", is_selected ? "*" : " ", f.platform_name, f.device_name);
      fmt::print("    id {}  vendor {}  {}\n", f.Id(), f.device_vendor, d.is_gpu ? "GPU" : "not a GPU");
      fmt::print("    select with --device '{}'{}\n", d.Selector(),
                 d.pci_bus.empty() ? "" : " or 'pci:" + d.pci_bus + "'");
      fmt::print("    platform {}  driver {}  {}\n", f.platform_version, f.driver_version, f.opencl_c_version);
      fmt::print("    {} compute units, max work-group {}, local mem {} KiB, global mem {} MiB\n", f.compute_units,
                 f.max_work_group_size, f.local_mem_size / 1024, f.global_mem_size >> 20);
      fmt::print("    profile {} ({}{})\n", profile.name, profile.level,
                 profile.chain.size() > 1 ? ", via " + fmt::format("{}", fmt::join(profile.chain, " -> ")) : "");
    }
    out.EndArray().EndObject();
    if (json) fmt::print("{}\n", out.str());
  });
}

}  // namespace mace_tune::cli
