// SPDX-License-Identifier: Apache-2.0
// What a tuning run records besides its evaluations, on a real device: the final interleaved
// re-measurement (every round-robin sample, the winner, and emit's preference for it), the device
// state at start and end, and the cool-down before each key, read from a fake sysfs tree that the
// test writes (MACE_TUNE_SYSFS_ROOT).
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catch.h"
#include "emit/emit.h"
#include "kernels/kernel_family.h"
#include "test_device.h"
#include "tuner/device_state.h"
#include "tuner/tuner.h"

using namespace mace_tune;

namespace {

namespace fs = std::filesystem;

TuneContext& Ctx() {
  static TuneContext ctx = OpenDevice("", "");
  return ctx;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text << "\n";
}

// A sysfs tree with a GPU thermal zone at `millicelsius`, a CPU zone that must be ignored, and a
// devfreq GPU clock; MACE_TUNE_SYSFS_ROOT points at it until the object goes.
class FakeSysfs {
 public:
  FakeSysfs(const std::string& dir, int millicelsius) : root_(dir + "/sys") {
    fs::remove_all(root_);
    WriteFile(root_ / "class/thermal/thermal_zone0/type", "cpu-0-0");
    WriteFile(root_ / "class/thermal/thermal_zone0/temp", "99000");
    WriteFile(root_ / "class/thermal/thermal_zone1/type", "gpuss-0");
    SetGpu(millicelsius);
    WriteFile(root_ / "class/devfreq/3d00000.gpu/cur_freq", "585000000");
    setenv(kSysfsRootEnv, root_.c_str(), 1);
  }
  ~FakeSysfs() { unsetenv(kSysfsRootEnv); }
  void SetGpu(int millicelsius) {
    // Written to a temp file and renamed, so a reader never sees a half-written number.
    WriteFile(root_ / "class/thermal/thermal_zone1/temp.tmp", std::to_string(millicelsius));
    fs::rename(root_ / "class/thermal/thermal_zone1/temp.tmp", root_ / "class/thermal/thermal_zone1/temp");
  }
  std::string GpuTempPath() const { return (root_ / "class/thermal/thermal_zone1/temp").string(); }
  std::string ClockPath() const { return (root_ / "class/devfreq/3d00000.gpu/cur_freq").string(); }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("device readings come from the sysfs files, GPU zones only") {
  FakeSysfs sys(test::ScratchDir("readings"), 71500);
  const auto readings = ReadDeviceReadings();
  REQUIRE(readings.size() == 2);
  CHECK(readings[0].source == sys.ClockPath());
  REQUIRE(readings[0].clock_mhz);
  CHECK(*readings[0].clock_mhz == Approx(585.0));
  CHECK(readings[1].source == sys.GpuTempPath());
  REQUIRE(readings[1].temperature_c);
  CHECK(*readings[1].temperature_c == Approx(71.5));
  const auto hottest = HottestGpu(readings);
  REQUIRE(hottest);
  CHECK(hottest->source == sys.GpuTempPath());  // not the 99 C CPU zone
}

TEST_CASE("tune records the final re-measurement, device states, and emit prefers the winner") {
  const std::string dir = test::ScratchDir("tune_final");
  FakeSysfs sys(dir, 45000);
  Store store = Store::Open(dir + "/t.db");
  TuneRequest request;
  request.workload = ParseWorkload("t", "gemm:K=8,M=16,N=16:fp32\n");
  request.budget.max_evals = 6;
  request.seed = 5;
  request.remeasure.top_k = 3;
  request.remeasure.rounds = 4;
  request.tool_version = "test";
  const TuneReport report = Tune(Ctx(), store, request, nullptr);
  REQUIRE(report.instances.size() == 1);
  const InstanceReport& r = report.instances[0];
  REQUIRE(r.final.size() == 3);
  const std::string key = r.tuning_key;

  const auto finals = store.Finals(report.run_id, key);
  REQUIRE(finals.size() == 3);
  int winners = 0;
  for (size_t i = 0; i < finals.size(); ++i) {
    CHECK(finals[i].slot == static_cast<int>(i));
    CHECK(finals[i].samples_ns.size() == 4);
    CHECK(finals[i].median_ns > 0);
    CHECK(finals[i].first_median_ns > 0);
    if (finals[i].winner) {
      ++winners;
      CHECK(finals[i].params == r.final.front().params);
      CHECK(finals[i].samples_ns == r.final.front().samples_ns);
    }
  }
  CHECK(winners == 1);
  // Slot 0 was the fastest at its evaluation: the interleave runs in first-median order.
  CHECK(finals[0].first_median_ns <= finals[1].first_median_ns);
  CHECK(finals[1].first_median_ns <= finals[2].first_median_ns);

  for (const char* phase : {"start", "end"}) {
    const auto states = store.DeviceStates(report.run_id, phase);
    REQUIRE(states.size() == 2);
    CHECK(states[1].source == sys.GpuTempPath());
    CHECK(states[1].temperature_c.value_or(0) == Approx(45.0));
    CHECK(states[0].clock_mhz.value_or(0) == Approx(585.0));
  }
  CHECK(report.device_state_start.find("585 MHz") != std::string::npos);

  // emit takes the recorded winner; to see that it is not just the best median, a later run
  // re-measures and names the slowest of the three the winner.
  EmitRequest emit;
  emit.out_dir = dir + "/out";
  const EmitReport first = Emit(Ctx(), store, emit);
  REQUIRE(first.entries.size() == 1);
  CHECK(first.entries[0].final_winner);
  CHECK(first.entries[0].params == r.final.front().params);

  const std::string digest = ProgramSourceDigest(FindFamily("gemm")->program);
  const int64_t device_id = store.Devices().at(0).id;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later started_at
  const int64_t later = store.BeginRun(device_id, RunInfo{});
  std::vector<FinalResult> rigged = finals;
  for (auto& f : rigged) f.winner = f.slot == 2;
  store.RecordFinal(later, key, "gemm", digest, rigged);
  store.FinishRun(later, "done");
  const EmitReport second = Emit(Ctx(), store, emit);
  REQUIRE(second.entries.size() == 1);
  CHECK(second.entries[0].final_winner);
  CHECK(second.entries[0].params == finals[2].params);

  // A winner recorded for another source digest is ignored: back to the best median.
  Store other = Store::Open(dir + "/other.db");
  TuneRequest plain = request;
  plain.remeasure.top_k = 0;
  const TuneReport no_final = Tune(Ctx(), other, plain, nullptr);
  const int64_t other_device = other.Devices().at(0).id;
  const int64_t stale = other.BeginRun(other_device, RunInfo{});
  other.RecordFinal(stale, key, "gemm", "stale-digest", rigged);
  const EmitReport third = Emit(Ctx(), other, emit);
  REQUIRE(third.entries.size() == 1);
  CHECK_FALSE(third.entries[0].final_winner);
  CHECK(third.entries[0].params == no_final.instances[0].best->params);
}

TEST_CASE("cool-down: fixed sleep between keys, waiting for the GPU temperature, recorded") {
  const std::string dir = test::ScratchDir("tune_cool_down");
  FakeSysfs sys(dir, 80000);
  Store store = Store::Open(dir + "/t.db");
  TuneRequest request;
  request.workload = ParseWorkload("t", "gemm:K=8,M=16,N=16:fp32\ngemm:K=5,M=9,N=33:fp32\n");
  request.budget.max_evals = 1;
  request.seed = 3;
  request.tool_version = "test";

  SECTION("a fixed sleep between keys, none before the first") {
    request.cool_down.sleep_s = 0.3;
    const TuneReport report = Tune(Ctx(), store, request, nullptr);
    REQUIRE(report.instances.size() == 2);
    const auto first = store.FindCoolDown(report.run_id, report.instances[0].tuning_key);
    const auto second = store.FindCoolDown(report.run_id, report.instances[1].tuning_key);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->slept_s == 0);
    CHECK(second->slept_s >= 0.3);
    CHECK(second->slept_s < 2.0);
    CHECK_FALSE(second->threshold_c);
    CHECK_FALSE(second->reached);
  }

  SECTION("a GPU that stays hot: waits until the cap, records that it gave up") {
    request.cool_down.temp_c = 50;
    request.cool_down.max_wait_s = 0.5;
    request.cool_down.poll_s = 0.1;
    const TuneReport report = Tune(Ctx(), store, request, nullptr);
    for (const auto& r : report.instances) {
      const auto c = store.FindCoolDown(report.run_id, r.tuning_key);
      REQUIRE(c);
      CHECK(c->waited_s >= 0.5);
      CHECK(c->waited_s < 3.0);
      REQUIRE(c->reached);
      CHECK_FALSE(*c->reached);
      CHECK(c->threshold_c.value_or(0) == 50);
      CHECK(c->temperature_before_c.value_or(0) == Approx(80.0));
      CHECK(c->source == sys.GpuTempPath());
    }
  }

  SECTION("a GPU that cools down: waits until it is below the threshold") {
    request.cool_down.temp_c = 50;
    request.cool_down.max_wait_s = 30;
    request.cool_down.poll_s = 0.05;
    std::thread cooler([&sys] {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      sys.SetGpu(42000);
    });
    const TuneReport report = Tune(Ctx(), store, request, nullptr);
    cooler.join();
    const auto first = store.FindCoolDown(report.run_id, report.instances[0].tuning_key);
    REQUIRE(first);
    CHECK(first->waited_s >= 0.3);
    CHECK(first->waited_s < 10.0);
    REQUIRE(first->reached);
    CHECK(*first->reached);
    CHECK(first->temperature_before_c.value_or(0) == Approx(80.0));
    CHECK(first->temperature_after_c.value_or(0) == Approx(42.0));
    const auto second = store.FindCoolDown(report.run_id, report.instances[1].tuning_key);
    REQUIRE(second);
    CHECK(second->waited_s < 0.3);  // already cool: no wait
    CHECK(second->reached.value_or(false));
  }
}
