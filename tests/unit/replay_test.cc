// SPDX-License-Identifier: Apache-2.0
// The replay engine and the importers: JSON reading, CLBlast's tuner output and Kernel Tuner's
// cache (real files produced on PoCL, tests/data/), percentiles, and replays of small spaces.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>

#include "catch.h"
#include "formats/json_value.h"
#include "replay/replay.h"

using namespace mace_tune;

namespace {

std::string DataFile(const std::string& name) {
  const char* root = std::getenv("MACE_TUNE_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/data/" + name;
}

// 6 x 6 configs, time = 1 + |x - 3| + |y - 2| (ms), one measured failure, one config unmeasured.
RecordedSpace Grid() {
  RecordedSpace s;
  s.name = "grid";
  for (int64_t x = 0; x < 6; ++x) {
    for (int64_t y = 0; y < 6; ++y) {
      if (x == 5 && y == 5) continue;
      const double t = (x == 0 && y == 0) ? std::numeric_limits<double>::infinity()
                                          : 1e6 * (1 + std::abs(static_cast<double>(x - 3)) + std::abs(static_cast<double>(y - 2)));
      s.times[{{"X", x}, {"Y", y}}] = t;
    }
  }
  s.params = AxesOf(s.times);
  return s;
}

template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST_CASE("JSON reader: values, escapes, errors") {
  const JsonValue v = ParseJson(R"({"a": [1, 2.5, -3e2], "s": "x\"\u00e9", "t": true, "n": null, "o": {}})");
  REQUIRE(v.IsObject());
  CHECK(v.Find("a")->array.size() == 3);
  CHECK(v.Find("a")->array[2].number == -300);
  CHECK(v.Find("s")->string == "x\"\xc3\xa9");
  CHECK(v.Find("t")->boolean);
  CHECK(v.Find("n")->type == JsonValue::Type::kNull);
  CHECK(v.Find("missing") == nullptr);
  CHECK(ErrorOf([] { ParseJson("{\"a\": }"); }).find("byte") != std::string::npos);
  CHECK_THROWS(ParseJson("[1, 2"));
}

TEST_CASE("CLBlast tuner JSON from clblast_tuner_xaxpy on PoCL imports as a space") {
  const RecordedSpace s = ImportClblast(DataFile("clblast_xaxpy_32.json"));
  CHECK(s.name == "clblast:xaxpy_1048576");
  CHECK(s.times.size() == 96);
  CHECK(s.Passed() == 96);
  REQUIRE(s.params.size() == 4);  // PRECISION, VW, WGS, WPT
  CHECK(s.params[1].name == "VW");
  CHECK(s.params[1].values == std::vector<int64_t>{1, 2, 4, 8});
  // The file's best_parameters is the fastest of its results.
  const auto best = std::min_element(s.times.begin(), s.times.end(), [](auto& a, auto& b) { return a.second < b.second; });
  CHECK(best->first.at("VW") == 4);
  CHECK(best->first.at("WGS") == 256);
  CHECK(best->first.at("WPT") == 8);
  CHECK(LoadRecordedSpace(DataFile("clblast_xaxpy_32.json")).times.size() == 96);
  const RecordedSpace t = ImportClblast(DataFile("clblast_transpose_32.json"));  // clblast_tuner_transpose_fast
  CHECK(t.name == "clblast:transpose_512x512");
  CHECK(t.times.size() == 96);
  CHECK(t.params.size() == 5);  // PRECISION, TRA_DIM, TRA_PAD, TRA_SHUFFLE, TRA_WPT
}

TEST_CASE("Kernel Tuner cache from a PoCL run imports as a space") {
  const RecordedSpace s = ImportKernelTuner(DataFile("kt_matmul_pocl.json"));
  CHECK(s.name == "kt:matmul_256x256");
  REQUIRE(s.params.size() == 4);
  CHECK(s.params[0].name == "block_size_x");
  CHECK(s.times.size() > 50);
  CHECK(std::isfinite(s.Optimum()));
  CHECK(LoadRecordedSpace("kt:" + DataFile("kt_matmul_pocl.json")).times.size() == s.times.size());
}

TEST_CASE("a Kernel Tuner cache left open by an interrupted run still reads") {
  const std::string path = (std::filesystem::temp_directory_path() / "replay_test_open_cache.json").string();
  {
    std::ofstream out(path);
    out << "{\n\"kernel_name\": \"k\",\n\"tune_params_keys\": [\"a\"],\n\"tune_params\": {\"a\": [1, 2]},\n"
           "\"cache\": {\n\"1\": {\"a\": 1, \"time\": 2.0},\n\"2\": {\"a\": 2, \"time\": \"CompilationFailedConfig\"},\n";
  }
  const RecordedSpace s = ImportKernelTuner(path);
  CHECK(s.times.size() == 2);
  CHECK(s.Passed() == 1);
  CHECK(s.Optimum() == 2e6);
}

TEST_CASE("percentiles count not-reached as slower than everything") {
  CHECK(EvalsPercentile({5, 1, 3}, 0.5) == 3);
  CHECK(EvalsPercentile({5, -1, -1}, 0.5) == -1);
  CHECK(EvalsPercentile({5, -1, 2}, 0.0) == 2);
  CHECK(EvalsPercentile({}, 0.5) == -1);
}

TEST_CASE("replay: exhaustive reaches the optimum where the space's order puts it; budgets hold") {
  const RecordedSpace s = Grid();
  ReplayOptions o;
  o.strategies = {"exhaustive", "random", "annealing", "model"};
  o.seeds = 20;
  o.fixed_budget = 10;
  const auto stats = Replay(s, o);
  REQUIRE(stats.size() == 4);
  CHECK(stats[0].space_size == 35);  // the unmeasured config is not in the space
  CHECK(stats[0].passed == 34);
  // X-major order: (3,2) is the 3*6+2+1 = 21st config; (5,5) is absent, but it comes after.
  for (int64_t e : stats[0].evals_to[0]) CHECK(e == 21);
  for (const auto& st : stats) {
    INFO(st.strategy);
    CHECK(st.evals_to[1].size() == 20);
    for (int64_t e : st.evals_to[0]) CHECK((e >= 1 && e <= 35));
    for (double r : st.best_at_budget) CHECK(r >= 1.0);
    CHECK(EvalsPercentile(st.evals_to[2], 0.5) <= EvalsPercentile(st.evals_to[0], 0.5));
  }
  const std::string table = FormatReplayTable(stats);
  CHECK(table.find("annealing") != std::string::npos);
  const JsonValue json = ParseJson(ReplayJson(stats, o, "test"));
  CHECK(json.Find("results")->array.size() == 4);
  CHECK(json.Find("results")->array[0].Find("within_1pct")->Find("median")->number == 21);
}

TEST_CASE("replay refuses a space where nothing passed, and unknown files") {
  RecordedSpace s;
  s.name = "dead";
  s.times[{{"A", 1}}] = std::numeric_limits<double>::infinity();
  s.params = AxesOf(s.times);
  ReplayOptions o;
  o.strategies = {"random"};
  CHECK(ErrorOf([&] { Replay(s, o); }).find("no config passed") != std::string::npos);
  CHECK_THROWS(LoadRecordedSpace("/nonexistent/file.json"));
}

TEST_CASE("a space from our store: ok and failed measurements, a default without KT, transfer history") {
  const std::string path = (std::filesystem::temp_directory_path() / "replay_test_store.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  {
    Store store = Store::Open(path);
    DeviceFingerprint a, b;
    a.device_name = "gpu-a";
    a.platform_name = b.platform_name = "p";
    b.device_name = "gpu-b";
    const int64_t da = store.AddDevice(a, "x"), db = store.AddDevice(b, "x");
    auto record = [&](int64_t dev, const std::string& key, const std::string& params, const char* status, double ns) {
      Measurement m;
      m.tuning_key = key;
      m.family = "gemm";
      m.params = params;
      m.source_digest = "d";
      m.status = *ParseMeasurementStatus(status);
      if (std::string(status) == "ok") m.samples_ns = {ns};
      m.median_ns = m.min_ns = m.max_ns = ns;
      REQUIRE(store.Record(dev, m));
    };
    const std::string key = "gemm:K=8,M=16,N=16:fp32";
    record(da, key, "KT=8,LX=1,LY=1", "ok", 300);
    record(da, key, "KT=8,LX=1,LY=2", "ok", 100);
    record(da, key, "KT=8,LX=2,LY=1", "wrong_result", 0);
    record(da, key, "KT=8,LX=2,LY=2", "invalid", 0);  // never a candidate: left out
    record(da, key, "LX=1,LY=1", "ok", 50);           // a default without KT: left out
    record(db, key, "KT=8,LX=2,LY=2", "ok", 10);      // the other device: history
    record(da, "gemm:K=8,M=32,N=16:fp32", "KT=8,LX=2,LY=1", "ok", 20);  // another shape: history
  }
  const RecordedSpace s = LoadRecordedSpace("db:" + path + ":gemm:K=8,M=16,N=16:fp32@gpu-a");
  CHECK(s.times.size() == 3);
  CHECK(s.Passed() == 2);
  CHECK(s.Optimum() == 100);
  REQUIRE(s.history.size() == 2);
  CHECK(s.history[0].distance != s.history[1].distance);
  CHECK(ErrorOf([&] { LoadRecordedSpace("db:" + path + ":gemm:K=8,M=16,N=16:fp32"); }).find("several devices") != std::string::npos);
  ReplayOptions o;
  o.strategies = {"transfer"};
  o.seeds = 3;
  const auto stats = Replay(s, o);
  for (int64_t e : stats[0].evals_to[0]) CHECK(e >= 1);
}

TEST_CASE("replay reads an old-schema database without writing or migrating the file") {
  const std::string original = DataFile("store_v1.db");
  const std::string path = (std::filesystem::temp_directory_path() / "mace_tune_replay_v1.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::filesystem::copy_file(original, path);
  auto bytes = [](const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string before = bytes(path);
  const RecordedSpace space = LoadRecordedSpace("db:" + path + ":gemm:K=8,M=16,N=16:fp32");
  CHECK(space.times.size() >= 3);  // the default and the 3 configs of that run, less a default without KT
  CHECK(bytes(path) == before);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  std::filesystem::remove(path);
  // A file that is not a database: a clear error, and the file as it was.
  std::ofstream(path) << "not sqlite\n";
  const std::string error = ErrorOf([&] { LoadRecordedSpace("db:" + path); });
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("not a database") != std::string::npos);
  CHECK(bytes(path) == "not sqlite\n");
  std::filesystem::remove(path);
}
