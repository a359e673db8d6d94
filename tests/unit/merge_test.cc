// SPDX-License-Identifier: Apache-2.0
// Tests of `mace_tune merge` (store/merge.h) on real store files: idempotence, devices kept apart
// by fingerprint (not by row id), conflicts resolved in DEST's favour and reported, runs mapped and
// updated, samples copied once, and refusals that leave DEST untouched.
#include "store/merge.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "catch.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mace_tune_merge_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

DeviceFingerprint Fingerprint(const std::string& name) {
  DeviceFingerprint f;
  f.platform_name = "Portable Computing Language";
  f.platform_version = "OpenCL 3.0 PoCL";
  f.device_name = name;
  f.device_vendor = "vendor";
  f.driver_version = "1.0";
  f.opencl_c_version = "OpenCL C 1.2";
  f.compute_units = 2;
  f.max_work_group_size = 256;
  return f;
}

Measurement Make(const std::string& key, const std::string& params, double median, int64_t run_id) {
  Measurement m;
  m.tuning_key = key;
  m.family = "gemm";
  m.params = params;
  m.source_digest = "d1";
  m.median_ns = m.min_ns = m.max_ns = median;
  m.samples_ns = {median, median + 1, median + 2};
  m.run_id = run_id;
  return m;
}

// A store with one device, one run and `n` measurements of key k1 (and the default config).
void Fill(const std::string& path, const std::string& device, int n, double base, bool finish = true) {
  Store s = Store::Open(path);
  const int64_t dev = s.AddDevice(Fingerprint(device), "pocl");
  RunInfo info;
  info.command = "mace_tune tune " + device;
  info.workload = "tiny";
  const int64_t run = s.BeginRun(dev, info);
  s.AddInstance("gemm:K=8,M=16,N=16:fp32", "gemm", 4096, 1024);
  for (int i = 0; i < n; ++i) {
    REQUIRE(s.Record(dev, Make("gemm:K=8,M=16,N=16:fp32", "LWS=" + std::to_string(i), base + i, run)));
  }
  s.SetDefaultConfig(dev, "gemm:K=8,M=16,N=16:fp32", "LWS=0");
  if (finish) s.FinishRun(run, "done");
}

struct Counts {
  int64_t devices, runs, measurements, samples, configs, defaults;
  bool operator==(const Counts& o) const {
    return devices == o.devices && runs == o.runs && measurements == o.measurements && samples == o.samples &&
           configs == o.configs && defaults == o.defaults;
  }
};

Counts CountsOf(const std::string& path) {
  Store s = Store::Open(path);
  return {s.CountRows("devices"), s.CountRows("runs"),    s.CountRows("measurements"),
          s.CountRows("samples"), s.CountRows("configs"), s.CountRows("default_configs")};
}

int64_t DeviceId(const Store& s, const std::string& name) {
  for (const auto& d : s.Devices()) {
    if (d.fingerprint.device_name == name) return d.id;
  }
  return 0;
}

TEST_CASE("merging the same file twice changes nothing") {
  TempDir dir;
  const std::string src = dir.File("phone.db"), dest = dir.File("host.db");
  Fill(src, "Adreno 740", 4, 100);
  const MergeReport first = MergeStores(dest, src);
  CHECK(first.devices_added == 1);
  CHECK(first.runs_added == 1);
  CHECK(first.measurements_added == 4);
  CHECK(first.samples_added == 12);
  CHECK(first.default_configs_added == 1);
  const Counts after_first = CountsOf(dest);
  CHECK(after_first == CountsOf(src));

  const MergeReport second = MergeStores(dest, src);
  CHECK(second.devices_added == 0);
  CHECK(second.runs_added == 0);
  CHECK(second.measurements_added == 0);
  CHECK(second.samples_added == 0);
  CHECK(second.measurements_identical == 4);
  CHECK(second.measurements_conflicting == 0);
  CHECK(CountsOf(dest) == after_first);

  Store s = Store::Open(dest);
  const int64_t dev = DeviceId(s, "Adreno 740");
  const auto ms = s.Measurements(dev, "gemm:K=8,M=16,N=16:fp32");
  REQUIRE(ms.size() == 4);
  CHECK(ms[2].params == "LWS=2");
  CHECK(ms[2].median_ns == 102);
  CHECK(ms[2].samples_ns == std::vector<double>{102, 103, 104});
  CHECK(ms[2].run_id != 0);
  const auto summaries = s.Summaries(dev);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].flops == 4096);
  REQUIRE(summaries[0].default_config);
  CHECK(summaries[0].default_config->params == "LWS=0");
}

TEST_CASE("devices with different fingerprints stay apart even with equal row ids") {
  TempDir dir;
  const std::string a = dir.File("a.db"), b = dir.File("b.db"), dest = dir.File("host.db");
  Fill(a, "Adreno 740", 3, 100);
  Fill(b, "Mali-G710", 3, 500);  // device row id 1 in both files, same key/params/digest
  MergeStores(dest, a);
  const MergeReport r = MergeStores(dest, b);
  CHECK(r.devices_added == 1);
  CHECK(r.measurements_added == 3);
  CHECK(r.measurements_conflicting == 0);
  Store s = Store::Open(dest);
  REQUIRE(s.Devices().size() == 2);
  const auto adreno = s.Measurements(DeviceId(s, "Adreno 740"), "gemm:K=8,M=16,N=16:fp32");
  const auto mali = s.Measurements(DeviceId(s, "Mali-G710"), "gemm:K=8,M=16,N=16:fp32");
  REQUIRE(adreno.size() == 3);
  REQUIRE(mali.size() == 3);
  CHECK(adreno[0].median_ns == 100);
  CHECK(mali[0].median_ns == 500);
  CHECK(s.CountRows("configs") == 3);  // configs are shared by family + params
  CHECK(s.CountRows("runs") == 2);
  CHECK(s.CountRows("default_configs") == 2);
}

TEST_CASE("a conflicting measurement keeps DEST's values and is reported; new ones are added") {
  TempDir dir;
  const std::string src = dir.File("src.db"), dest = dir.File("host.db");
  Fill(dest, "Adreno 740", 2, 100);  // LWS=0, LWS=1 at 100, 101
  Fill(src, "Adreno 740", 3, 900);   // LWS=0..2 at 900..902: two conflicts, one new
  const MergeReport r = MergeStores(dest, src);
  CHECK(r.devices_added == 0);
  CHECK(r.measurements_conflicting == 2);
  CHECK(r.measurements_identical == 0);
  CHECK(r.measurements_added == 1);
  CHECK(r.samples_added == 3);
  Store s = Store::Open(dest);
  const auto ms = s.Measurements(DeviceId(s, "Adreno 740"), "gemm:K=8,M=16,N=16:fp32");
  REQUIRE(ms.size() == 3);
  CHECK(ms[0].median_ns == 100);
  CHECK(ms[0].samples_ns.size() == 3);  // no samples of SRC's version added to DEST's
  CHECK(ms[2].median_ns == 902);
}

TEST_CASE("a run cut off on the target takes its final status at the next merge") {
  TempDir dir;
  const std::string src = dir.File("phone.db"), dest = dir.File("host.db");
  Fill(src, "Adreno 740", 2, 100, /*finish=*/false);
  MergeStores(dest, src);
  {
    detail::Db db = detail::Db::Open(dest);
    CHECK(db.QueryText("SELECT status FROM runs") == "running");
  }
  Store::Open(src).FinishRun(1, "interrupted");
  const MergeReport r = MergeStores(dest, src);
  CHECK(r.runs_added == 0);
  CHECK(r.runs_updated == 1);
  detail::Db db = detail::Db::Open(dest);
  CHECK(db.QueryText("SELECT status FROM runs") == "interrupted");
  CHECK(db.QueryInt64("SELECT COUNT(*) FROM measurements m JOIN runs r ON r.id = m.run_id") == 2);
}

TEST_CASE("merge refuses a missing, foreign or identical source and leaves DEST as it was") {
  TempDir dir;
  const std::string dest = dir.File("host.db");
  Fill(dest, "Adreno 740", 2, 100);
  const Counts before = CountsOf(dest);
  auto error_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const StoreError& e) {
      return e.what();
    }
    return "<no error>";
  };
  CHECK(error_of([&] { MergeStores(dest, dir.File("missing.db")); }).find("no such database") != std::string::npos);
  CHECK(error_of([&] { MergeStores(dest, dest); }).find("same file") != std::string::npos);
  {
    detail::Db other = detail::Db::Open(dir.File("other.db"));
    other.Exec("CREATE TABLE t(x)");
  }
  CHECK(error_of([&] { MergeStores(dest, dir.File("other.db")); }).find("not a mace_tune store") != std::string::npos);
  CHECK(CountsOf(dest) == before);
}

TEST_CASE("final re-measurements, device states and cool-downs merge once, with their run") {
  TempDir dir;
  const std::string src = dir.File("phone.db"), dest = dir.File("host.db");
  Fill(src, "Adreno 740", 4, 100);
  const std::string key = "gemm:K=8,M=16,N=16:fp32";
  {
    Store s = Store::Open(src);
    const int64_t dev = DeviceId(s, "Adreno 740");
    const int64_t run = 1;
    s.RecordFinal(run, key, "gemm", "d1",
                  {{"LWS=0", 0, 100, {99, 98}, 98.5, false}, {"LWS=1", 1, 101, {97, 96}, 96.5, true}});
    s.RecordDeviceState(run, "start", {{"/sys/class/kgsl/kgsl-3d0/temp", std::nullopt, 41, "41000"}});
    s.RecordDeviceState(run, "end", {{"/sys/class/kgsl/kgsl-3d0/temp", std::nullopt, 52, "52000"}});
    CoolDown c;
    c.waited_s = 3;
    c.threshold_c = 45;
    c.reached = true;
    s.RecordCoolDown(run, key, c);
    REQUIRE(s.FinalWinner(dev, key, "d1")->params == "LWS=1");
  }
  // DEST already has another device whose run and config ids overlap SRC's.
  Fill(dest, "Mali-G710", 3, 500);
  const MergeReport first = MergeStores(dest, src);
  CHECK(first.finals_added == 2);
  CHECK(first.final_samples_added == 4);
  CHECK(first.device_states_added == 2);
  CHECK(first.cool_downs_added == 1);
  const MergeReport second = MergeStores(dest, src);
  CHECK(second.finals_added == 0);
  CHECK(second.final_samples_added == 0);
  CHECK(second.device_states_added == 0);
  CHECK(second.cool_downs_added == 0);

  Store s = Store::Open(dest);
  CHECK(s.CountRows("final_measurements") == 2);
  CHECK(s.CountRows("final_samples") == 4);
  CHECK(s.CountRows("device_states") == 2);
  CHECK(s.CountRows("cool_downs") == 1);
  const int64_t adreno = DeviceId(s, "Adreno 740");
  const auto winner = s.FinalWinner(adreno, key, "d1");
  REQUIRE(winner);
  CHECK(winner->params == "LWS=1");
  CHECK_FALSE(s.FinalWinner(DeviceId(s, "Mali-G710"), key, "d1"));  // stays with its device
  const int64_t run = winner->run_id;                               // the measurement's run, mapped into DEST
  const auto finals = s.Finals(run, key);
  REQUIRE(finals.size() == 2);
  CHECK(finals[1].samples_ns == std::vector<double>{97, 96});
  CHECK(s.DeviceStates(run, "end").at(0).temperature_c == std::optional<double>(52));
  const auto cool = s.FindCoolDown(run, key);
  REQUIRE(cool);
  CHECK(cool->waited_s == 3);
  CHECK(cool->reached == std::optional<bool>(true));
}

}  // namespace
TEST_CASE("merge reads its source without writing it: a v1 file merges and stays a v1 file, byte for byte") {
  const char* source_dir = std::getenv("MACE_TUNE_SOURCE_DIR");
  REQUIRE(source_dir != nullptr);
  TempDir dir;
  const std::string src = dir.File("v1.db"), dest = dir.File("host.db");
  fs::copy_file(fs::path(source_dir) / "tests/data/store_v1.db", src);
  auto bytes = [](const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string before = bytes(src);
  const MergeReport r = MergeStores(dest, src);
  CHECK(r.measurements_added > 0);
  CHECK(bytes(src) == before);  // not migrated, not switched to WAL
  CHECK_FALSE(fs::exists(src + "-wal"));
  CHECK(MergeStores(dest, src).measurements_added == 0);
}

}  // namespace mace_tune
