// SPDX-License-Identifier: Apache-2.0
// Tests of the SQLite results store on real files in a temporary directory: schema, round trips,
// idempotence, reopening, refusals of foreign or newer files, and survival of a SIGKILLed writer.
#include "store/store.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "catch.h"
#include "store/sqlite_db.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mace_tune_store_XXXXXX").string();
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

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  return "<no StoreError thrown>";
}

DeviceFingerprint Fingerprint(const std::string& name) {
  DeviceFingerprint f;
  f.platform_name = "Portable Computing Language";
  f.platform_version = "OpenCL 3.0 PoCL 3.1";
  f.device_name = name;
  f.device_vendor = "GenuineIntel";
  f.driver_version = "3.1";
  f.opencl_c_version = "OpenCL C 1.2 PoCL";
  f.compute_units = 8;
  f.max_work_group_size = 4096;
  f.local_mem_size = 65536;
  f.global_mem_size = uint64_t{16} << 30;
  return f;
}

Measurement Ok(const std::string& params, double median) {
  Measurement m;
  m.tuning_key = "gemm/M256_N256_K256/fp32";
  m.family = "gemm";
  m.params = params;
  m.source_digest = "d1";
  m.samples_ns = {median - 10, median, median + 5};
  m.median_ns = median;
  m.min_ns = median - 10;
  m.max_ns = median + 5;
  m.mad_ns = 5;
  m.max_error = 1e-6;
  m.build_ms = 12.5;
  m.eval_ms = 40.25;
  return m;
}

Measurement Failed(const std::string& params, const std::string& status, const std::string& why) {
  Measurement m = Ok(params, 0);
  m.samples_ns.clear();
  m.median_ns = m.min_ns = m.max_ns = m.mad_ns = 0;
  m.status = *ParseMeasurementStatus(status);
  m.reason = why;
  return m;
}

TEST_CASE("store: a new file gets schema version 3 in WAL mode", "[store]") {
  TempDir dir;
  const std::string path = dir.File("t.db");
  {
    Store store = Store::Open(path);
    CHECK(store.path() == path);
    CHECK(store.CountRows("measurements") == 0);
    CHECK(store.CountRows("meta") >= 3);
  }
  detail::Db db = detail::Db::Open(path);
  CHECK(db.QueryText("PRAGMA journal_mode") == "wal");
  CHECK(db.QueryInt64("PRAGMA user_version") == 3);
  CHECK(db.QueryText("SELECT value FROM meta WHERE key = 'schema_version'") == "3");
  // The 13 tables of schema 3, and claims: working state outside the versioned schema.
  CHECK(db.QueryInt64("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") == 14);
}

TEST_CASE("store: claims keep two tune processes from measuring one config twice", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  const Measurement m = Ok("LX=8", 100);
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kClaimed);
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kClaimed);  // its own again
  // Another process of this host: busy while it lives, taken over once it is gone.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    pause();
    _exit(0);
  }
  auto hand_to = [&](pid_t pid, const char* at) {
    detail::Db raw = detail::Db::Open(dir.File("t.db"));
    raw.Exec("UPDATE claims SET pid = " + std::to_string(pid) + ", claimed_at = " + at);
  };
  hand_to(child, "strftime('%Y-%m-%dT%H:%M:%fZ','now')");
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kBusy);
  hand_to(child, "'2000-01-01T00:00:00.000Z'");  // alive but 26 years old: a hung process
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kClaimed);
  hand_to(child, "strftime('%Y-%m-%dT%H:%M:%fZ','now')");
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kClaimed);
  // Recording drops the claim; from then on the config is recorded, not claimable.
  CHECK(store.Record(dev, m));
  detail::Db raw = detail::Db::Open(dir.File("t.db"));
  CHECK(raw.QueryInt64("SELECT COUNT(*) FROM claims") == 0);
  CHECK(store.Claim(dev, m.tuning_key, m.params, m.source_digest) == ClaimResult::kRecorded);
  CHECK(store.Claim(dev, m.tuning_key, "LX=16", m.source_digest) == ClaimResult::kClaimed);
  store.ReleaseClaims();
  CHECK(raw.QueryInt64("SELECT COUNT(*) FROM claims") == 0);
}

TEST_CASE("store: a file another process is creating is never taken for a foreign one", "[store]") {
  // The creator commits the tables and the version together; a reader that looked at them in two
  // reads could see version 0 and tables, and refuse the store as another application's.
  TempDir dir;
  std::vector<std::string> errors;
  for (int i = 0; i < 150 && errors.empty(); ++i) {
    const std::string path = dir.File("c" + std::to_string(i) + ".db");
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      try {
        Store::Open(path);
      } catch (...) {
        _exit(1);
      }
      _exit(0);
    }
    int status = 0;
    while (waitpid(child, &status, WNOHANG) == 0) {
      if (!fs::exists(path)) continue;
      try {
        Store::Open(path);
      } catch (const StoreError& e) {
        errors.push_back(e.what());
      }
    }
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
}

TEST_CASE("store: Record and Find round trip, samples included", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  store.AddInstance("gemm/M256_N256_K256/fp32", "gemm", 2.0 * 256 * 256 * 256, 3 * 4 * 65536.0);
  RunInfo info{"mace_tune 0.1.0", "small", "random", "mace_tune tune", 42, 100, 60.0};
  const int64_t run = store.BeginRun(dev, info);
  Measurement m = Ok("MWG=32;LWS=8x8", 1000);
  m.run_id = run;
  REQUIRE(store.Record(dev, m));
  store.FinishRun(run, "done");

  const auto found = store.Find(dev, m.tuning_key, m.params, m.source_digest);
  REQUIRE(found.has_value());
  CHECK(found->tuning_key == m.tuning_key);
  CHECK(found->family == "gemm");
  CHECK(found->params == m.params);
  CHECK(found->status == MeasurementStatus::kOk);
  CHECK(found->reason.empty());
  CHECK(found->samples_ns == m.samples_ns);
  CHECK(found->median_ns == m.median_ns);
  CHECK(found->min_ns == m.min_ns);
  CHECK(found->max_ns == m.max_ns);
  CHECK(found->mad_ns == m.mad_ns);
  CHECK(found->max_error == m.max_error);
  CHECK(found->build_ms == m.build_ms);
  CHECK(found->eval_ms == m.eval_ms);
  CHECK(found->run_id == run);
  CHECK_FALSE(store.Find(dev, m.tuning_key, m.params, "other digest").has_value());
  CHECK_FALSE(store.Find(dev, m.tuning_key, "MWG=64;LWS=8x8", m.source_digest).has_value());
  CHECK_FALSE(store.Find(dev + 1, m.tuning_key, m.params, m.source_digest).has_value());
  CHECK(ErrorOf([&] { store.FinishRun(run, "finished"); }).find("'finished'") != std::string::npos);
}

TEST_CASE("store: recording the same measurement twice changes nothing", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  Measurement m = Ok("MWG=32", 1000);
  REQUIRE(store.Record(dev, m));
  const char* tables[] = {"instances", "configs", "measurements", "samples"};
  std::vector<int64_t> before;
  for (const char* t : tables) before.push_back(store.CountRows(t));
  m.median_ns = 1;  // same key: the stored one wins
  CHECK_FALSE(store.Record(dev, m));
  for (size_t i = 0; i < std::size(tables); ++i) CHECK(store.CountRows(tables[i]) == before[i]);
  CHECK(store.Find(dev, m.tuning_key, m.params, m.source_digest)->median_ns == 1000);
  m.source_digest = "d2";  // a changed kernel source is a new measurement
  CHECK(store.Record(dev, m));
  CHECK(ErrorOf([&] { store.CountRows("sqlite_master; DROP TABLE runs"); }).find("unknown table") != std::string::npos);
}

TEST_CASE("store: a reopened file holds everything", "[store]") {
  TempDir dir;
  const std::string path = dir.File("t.db");
  int64_t dev = 0;
  {
    Store store = Store::Open(path);
    dev = store.AddDevice(Fingerprint("cpu"), "pocl");
    for (int i = 0; i < 5; ++i) REQUIRE(store.Record(dev, Ok("P" + std::to_string(i), 100.0 + i)));
    REQUIRE(store.Record(dev, Failed("P9", "build_failed", "error: too many registers")));
  }
  Store store = Store::Open(path);
  const auto devices = store.Devices();
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].id == dev);
  CHECK(devices[0].fingerprint.Id() == Fingerprint("cpu").Id());
  CHECK(devices[0].profile == "pocl");
  const auto all = store.Measurements(dev, "gemm/M256_N256_K256/fp32");
  REQUIRE(all.size() == 6);
  for (int i = 0; i < 5; ++i) {
    CHECK(all[i].params == "P" + std::to_string(i));
    CHECK(all[i].samples_ns.size() == 3);
  }
  CHECK(all[5].status == MeasurementStatus::kBuildFailed);
  CHECK(all[5].samples_ns.empty());
  CHECK(store.CountRows("samples") == 15);
  CHECK(store.Measurements(dev, "no/such/key").empty());
}

TEST_CASE("store: AddDevice is idempotent and keeps devices apart", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t a = store.AddDevice(Fingerprint("cpu-a"), "pocl");
  CHECK(store.AddDevice(Fingerprint("cpu-a"), "pocl") == a);
  const int64_t b = store.AddDevice(Fingerprint("cpu-b"), "");
  CHECK(b != a);
  CHECK(store.CountRows("devices") == 2);
  Measurement m = Ok("P", 10);
  REQUIRE(store.Record(a, m));
  REQUIRE(store.Record(b, m));  // same config on another device: its own row
  CHECK(store.Measurements(a, m.tuning_key).size() == 1);
  CHECK(store.Measurements(b, m.tuning_key).size() == 1);
  CHECK(store.AddDevice(Fingerprint("cpu-b"), "intel_cpu") == b);
  CHECK(store.Devices()[1].profile == "intel_cpu");
  CHECK_THROWS_AS(store.Record(999, m), StoreError);  // foreign key: no such device
}

TEST_CASE("store: Summaries pick the fastest ok measurement and skip failures", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  const int64_t other = store.AddDevice(Fingerprint("gpu"), "");
  store.AddInstance("gemm/M256_N256_K256/fp32", "gemm", 1e9, 2e6);
  REQUIRE(store.Record(dev, Ok("default", 900)));
  REQUIRE(store.Record(dev, Ok("fast", 300)));
  REQUIRE(store.Record(dev, Ok("slow", 1200)));
  REQUIRE(store.Record(dev, Failed("broken", "wrong_result", "max error 0.5 > 1e-3")));
  REQUIRE(store.Record(dev, Failed("hang", "timeout", "no completion in 2 s")));
  REQUIRE(store.Record(other, Ok("fastest elsewhere", 50)));
  store.SetDefaultConfig(dev, "gemm/M256_N256_K256/fp32", "default");

  const auto summaries = store.Summaries(dev);
  REQUIRE(summaries.size() == 1);
  const InstanceSummary& s = summaries[0];
  CHECK(s.tuning_key == "gemm/M256_N256_K256/fp32");
  CHECK(s.family == "gemm");
  CHECK(s.flops == 1e9);
  CHECK(s.bytes == 2e6);
  CHECK(s.evaluated == 5);
  CHECK(s.failed == 2);
  REQUIRE(s.best.has_value());
  CHECK(s.best->params == "fast");
  CHECK(s.best->median_ns == 300);
  CHECK(s.best->samples_ns.size() == 3);
  REQUIRE(s.default_config.has_value());
  CHECK(s.default_config->params == "default");
  CHECK(s.default_config->median_ns == 900);
  CHECK(store.Summaries(store.AddDevice(Fingerprint("idle"), "")).empty());
  CHECK(ErrorOf([&] { store.SetDefaultConfig(dev, "no/such/key", "x"); }).find("unknown tuning key") !=
        std::string::npos);
}

TEST_CASE("store: failures are stored with their reason", "[store]") {
  TempDir dir;
  const std::string path = dir.File("t.db");
  Store store = Store::Open(path);
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  const char* statuses[] = {"build_failed", "launch_failed", "wrong_result", "timeout", "invalid"};
  for (const char* status : statuses) {
    REQUIRE(store.Record(dev, Failed(std::string("P_") + status, status, std::string("why ") + status)));
  }
  for (const char* status : statuses) {
    const auto m = store.Find(dev, "gemm/M256_N256_K256/fp32", std::string("P_") + status, "d1");
    REQUIRE(m.has_value());
    CHECK(std::string(MeasurementStatusName(m->status)) == status);
    CHECK(m->reason == std::string("why ") + status);
    CHECK(m->median_ns == 0);
  }
  // In SQL a failure without samples has no timing, so ORDER BY median_ns cannot pick it.
  detail::Db db = detail::Db::Open(path);
  CHECK(db.QueryInt64("SELECT COUNT(*) FROM measurements WHERE median_ns IS NULL") == 5);
  Measurement bad = Ok("P", 1);
  CHECK_FALSE(ParseMeasurementStatus("crashed").has_value());  // no such status to store
  bad.status = static_cast<MeasurementStatus>(99);
  CHECK(ErrorOf([&] { store.Record(dev, bad); }).find("unknown measurement status 99") != std::string::npos);
}

TEST_CASE("store: a newer schema is refused and the file left unchanged", "[store]") {
  TempDir dir;
  const std::string path = dir.File("future.db");
  { Store::Open(path); }
  {
    detail::Db db = detail::Db::Open(path);
    db.Exec("PRAGMA journal_mode = DELETE; PRAGMA user_version = 7");
  }
  const std::string before = ReadBytes(path);
  const std::string error = ErrorOf([&] { Store::Open(path); });
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("database schema version 7 is newer than this mace_tune (3)") != std::string::npos);
  CHECK(ReadBytes(path) == before);
  CHECK_FALSE(fs::exists(path + "-wal"));
}

TEST_CASE("store: files that are not mace_tune databases are refused", "[store]") {
  TempDir dir;
  const std::string random = dir.File("random.db");
  {
    std::mt19937 rng(7);
    std::ofstream out(random, std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(rng() & 0xff));
  }
  const std::string before = ReadBytes(random);
  std::string error = ErrorOf([&] { Store::Open(random); });
  CHECK(error.find(random) != std::string::npos);
  CHECK(error.find("not a SQLite database") != std::string::npos);
  CHECK(ReadBytes(random) == before);

  const std::string text = dir.File("notes.txt");
  std::ofstream(text) << "hello\n";
  CHECK(ErrorOf([&] { Store::Open(text); }).find("not a SQLite database") != std::string::npos);

  const std::string foreign = dir.File("other_app.db");
  { detail::Db(detail::Db::Open(foreign)).Exec("CREATE TABLE photos(id INTEGER PRIMARY KEY)"); }
  CHECK(ErrorOf([&] { Store::Open(foreign); }).find("another application") != std::string::npos);

  const std::string missing = dir.File("no/such/dir/t.db");
  CHECK(ErrorOf([&] { Store::Open(missing); }).find(missing) != std::string::npos);
}

TEST_CASE("store: records survive a writer killed with SIGKILL", "[store]") {
  TempDir dir;
  const std::string path = dir.File("killed.db");
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child must not return into Catch2: any failure ends it with a distinct exit code.
    try {
      Store store = Store::Open(path);
      const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
      for (int i = 0; i < 50; ++i) {
        if (!store.Record(dev, Ok("P" + std::to_string(i), 100.0 + i))) _exit(3);
      }
      // Killed with the Store still open: no close, no checkpoint; the data lives in the WAL.
      raise(SIGKILL);
    } catch (...) {
      _exit(2);
    }
    _exit(4);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // Nothing was checkpointed: what the child recorded is in the WAL, which the next open replays.
  CHECK(fs::exists(path + "-wal"));
  CHECK(fs::file_size(path + "-wal") > 0);
  Store store = Store::Open(path);
  CHECK(store.CountRows("measurements") == 50);
  CHECK(store.CountRows("samples") == 150);
  CHECK(store.Measurements(store.Devices().at(0).id, "gemm/M256_N256_K256/fp32").size() == 50);
}

// tests/data/store_v1.db was written by the schema-1 code: `mace_tune tune --workload W
// --max-evals 3 --seed 4 --final-top-k 2` built at commit da63b99, W = gemm:K=8,M=16,N=16:fp32 and
// gemm:K=5,M=9,N=33:fp32 (then PRAGMA wal_checkpoint). Opening it must migrate it to the current
// version and keep every row.
TEST_CASE("store: a v1 file written by the v1 code migrates to v3 and keeps its data", "[store]") {
  const char* source_dir = std::getenv("MACE_TUNE_SOURCE_DIR");
  REQUIRE(source_dir != nullptr);
  TempDir dir;
  const std::string path = dir.File("v1.db");
  fs::copy_file(fs::path(source_dir) / "tests/data/store_v1.db", path);
  int64_t measurements = 0, samples = 0, runs = 0;
  {
    detail::Db db = detail::Db::Open(path);
    REQUIRE(db.QueryInt64("PRAGMA user_version") == 1);
    REQUIRE(db.QueryInt64("SELECT COUNT(*) FROM sqlite_master WHERE name = 'final_measurements'") == 0);
    measurements = db.QueryInt64("SELECT COUNT(*) FROM measurements");
    samples = db.QueryInt64("SELECT COUNT(*) FROM samples");
    runs = db.QueryInt64("SELECT COUNT(*) FROM runs");
    REQUIRE(measurements > 0);
    REQUIRE(samples > 0);
  }
  Store store = Store::Open(path);
  CHECK(store.CountRows("measurements") == measurements);
  CHECK(store.CountRows("samples") == samples);
  CHECK(store.CountRows("runs") == runs);
  CHECK(store.CountRows("final_measurements") == 0);
  CHECK(store.CountRows("device_states") == 0);
  CHECK(store.CountRows("kernel_descriptions") == 0);
  const auto devices = store.Devices();
  REQUIRE(devices.size() == 1);
  const auto summaries = store.Summaries(devices[0].id);
  REQUIRE_FALSE(summaries.empty());
  REQUIRE(summaries[0].best);
  CHECK_FALSE(summaries[0].best->samples_ns.empty());

  // The new tables take rows that refer to the old ones.
  const int64_t run = store.BeginRun(devices[0].id, RunInfo{});
  store.RecordDeviceState(run, "start", {{"nvidia-smi", 1980.0, 41.0, "1980 MHz, 2619 MHz, 41"}});
  store.RecordFinal(run, summaries[0].tuning_key, summaries[0].family, summaries[0].best->source_digest,
                    {{summaries[0].best->params, 0, 1, {5, 6, 7}, 6, true}});
  CHECK(store.FinalWinner(devices[0].id, summaries[0].tuning_key, summaries[0].best->source_digest)->params ==
        summaries[0].best->params);
  // A user kernel's description under its digest, once however often it is added; newest first.
  store.AddDescription("digest-a", "k", {1, 2, 3});
  store.AddDescription("digest-a", "k", {9});
  REQUIRE(store.Descriptions().size() == 1);
  CHECK(store.Descriptions()[0].second == std::vector<uint8_t>{1, 2, 3});

  detail::Db db = detail::Db::Open(path);
  CHECK(db.QueryInt64("PRAGMA user_version") == 3);
  CHECK(db.QueryText("SELECT value FROM meta WHERE key = 'schema_version'") == "3");
  CHECK(db.QueryText("SELECT value FROM meta WHERE key = 'created_by'") != "");
}

TEST_CASE("store: final re-measurements round trip; the latest run's winner on a digest", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  for (const char* p : {"A", "B", "C"}) {
    Measurement m = Ok(p, 100 + p[0]);
    REQUIRE(store.Record(dev, m));
  }
  const std::string key = "gemm/M256_N256_K256/fp32";
  const int64_t run1 = store.BeginRun(dev, RunInfo{});
  store.RecordFinal(run1, key, "gemm", "d1",
                    {{"A", 0, 165, {170, 171, 169}, 170, false},
                     {"B", 1, 166, {150, 151, 152}, 151, true},
                     {"C", 2, 167, {}, 0, false}});
  const auto rows = store.Finals(run1, key);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].params == "A");
  CHECK(rows[1].winner);
  CHECK(rows[1].samples_ns == std::vector<double>{150, 151, 152});
  CHECK(rows[1].median_ns == 151);
  CHECK(rows[2].samples_ns.empty());
  CHECK(rows[2].median_ns == 0);
  CHECK(store.CountRows("final_samples") == 6);
  CHECK(store.FinalWinner(dev, key, "d1")->params == "B");
  CHECK_FALSE(store.FinalWinner(dev, key, "d2"));
  CHECK_FALSE(store.FinalWinner(dev + 1, key, "d1"));

  // Recording the same rows again changes nothing; two winners are refused.
  store.RecordFinal(run1, key, "gemm", "d1", {{"A", 0, 165, {170, 171, 169}, 170, false}});
  CHECK(store.CountRows("final_measurements") == 3);
  const int64_t run2 = store.BeginRun(dev, RunInfo{});
  CHECK(ErrorOf([&] {
          store.RecordFinal(run2, key, "gemm", "d1", {{"A", 0, 1, {1}, 1, true}, {"C", 1, 1, {1}, 1, true}});
        }).find("more than one winner") != std::string::npos);
  // A later run's winner takes over (started_at ties are broken by run id).
  store.RecordFinal(run2, key, "gemm", "d1", {{"C", 0, 167, {140}, 140, true}});
  CHECK(store.FinalWinner(dev, key, "d1")->params == "C");
}

TEST_CASE("store: device states and cool-downs round trip, NULLs kept", "[store]") {
  TempDir dir;
  Store store = Store::Open(dir.File("t.db"));
  const int64_t dev = store.AddDevice(Fingerprint("cpu"), "pocl");
  store.AddInstance("gemm/M256_N256_K256/fp32", "gemm", 1, 1);
  const int64_t run = store.BeginRun(dev, RunInfo{});
  store.RecordDeviceState(run, "start",
                          {{"/sys/class/devfreq/gpu/cur_freq", 585.0, std::nullopt, "585000000"},
                           {"/sys/class/thermal/thermal_zone3/temp", std::nullopt, 45.5, "45500"}});
  store.RecordDeviceState(run, "end", {});
  const auto start = store.DeviceStates(run, "start");
  REQUIRE(start.size() == 2);
  CHECK(start[0].clock_mhz == std::optional<double>(585.0));
  CHECK_FALSE(start[0].temperature_c);
  CHECK(start[1].temperature_c == std::optional<double>(45.5));
  CHECK(start[1].raw == "45500");
  CHECK(store.DeviceStates(run, "end").empty());
  CHECK(ErrorOf([&] { store.RecordDeviceState(run, "middle", {}); }).find("phase") != std::string::npos);

  CoolDown c;
  c.slept_s = 2;
  c.waited_s = 7.5;
  c.threshold_c = 40;
  c.temperature_before_c = 48;
  c.temperature_after_c = 39.5;
  c.reached = true;
  c.source = "/sys/class/thermal/thermal_zone3/temp";
  store.RecordCoolDown(run, "gemm/M256_N256_K256/fp32", c);
  const auto back = store.FindCoolDown(run, "gemm/M256_N256_K256/fp32");
  REQUIRE(back);
  CHECK(back->waited_s == 7.5);
  CHECK(back->reached == std::optional<bool>(true));
  CHECK(back->temperature_after_c == std::optional<double>(39.5));
  CHECK(back->source == c.source);
  const int64_t run2 = store.BeginRun(dev, RunInfo{});
  store.RecordCoolDown(run2, "gemm/M256_N256_K256/fp32", CoolDown{});
  const auto plain = store.FindCoolDown(run2, "gemm/M256_N256_K256/fp32");
  REQUIRE(plain);
  CHECK_FALSE(plain->threshold_c);
  CHECK_FALSE(plain->reached);
}

}  // namespace
}  // namespace mace_tune
