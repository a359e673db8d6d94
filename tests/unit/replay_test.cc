// SPDX-License-Identifier: Apache-2.0
// The replay engine and the importers: JSON reading, CLBlast's tuner output and Kernel Tuner's
// cache (real files produced on PoCL, tests/data/), percentiles, and replays of small spaces.
#include "replay/replay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "catch.h"
#include "formats/json_value.h"

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
      const double t = (x == 0 && y == 0)
                           ? std::numeric_limits<double>::infinity()
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
  const auto best =
      std::min_element(s.times.begin(), s.times.end(), [](auto& a, auto& b) { return a.second < b.second; });
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
           "\"cache\": {\n\"1\": {\"a\": 1, \"time\": 2.0},\n\"2\": {\"a\": 2, \"time\": "
           "\"CompilationFailedConfig\"},\n";
  }
  const RecordedSpace s = ImportKernelTuner(path);
  CHECK(s.times.size() == 2);
  CHECK(s.Passed() == 1);
  CHECK(s.Optimum() == 2e6);
}

namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

// A Kernel Tuner cache of one axis `a` (values as JSON text) and an axis x in {1, 2}: every pair
// is an entry, time = 1 + position of a + x ms.
std::string CacheOf(const std::vector<std::string>& a, const std::string& extra = "") {
  std::string text =
      "{\"kernel_name\": \"k\", \"tune_params_keys\": [\"a\", \"x\"], " + extra + "\"tune_params\": {\"a\": [";
  for (size_t i = 0; i < a.size(); ++i) text += (i ? ", " : "") + a[i];
  text += "], \"x\": [1, 2]}, \"cache\": {";
  for (size_t i = 0; i < a.size(); ++i) {
    for (int x = 1; x <= 2; ++x) {
      text += (i || x > 1 ? ", " : "") + std::string("\"") + std::to_string(i) + "," + std::to_string(x) +
              "\": {\"a\": " + a[i] + ", \"x\": " + std::to_string(x) +
              ", \"time\": " + std::to_string(1 + i + static_cast<size_t>(x)) + "}";
    }
  }
  return text + "}}";
}

}  // namespace

TEST_CASE("Kernel Tuner import: booleans, floats and strings stay distinct values") {
  const RecordedSpace b = ImportKernelTuner(WriteTemp("kt_bool.json", CacheOf({"true", "false"})));
  CHECK(b.times.size() == 4);  // True and False used to collapse into one value
  CHECK(b.params[0].values == std::vector<int64_t>{1, 0});
  CHECK(b.times.at({{"a", 1}, {"x", 1}}) == 2e6);
  CHECK(b.times.at({{"a", 0}, {"x", 1}}) == 3e6);
  // 0.25 and 0.5 used to become positions 0 and 1, colliding with the integers 1 and 2: 8 -> 6.
  const RecordedSpace f = ImportKernelTuner(WriteTemp("kt_float.json", CacheOf({"0.25", "0.5", "1", "2"})));
  CHECK(f.times.size() == 8);
  CHECK(f.params[0].values == std::vector<int64_t>{0, 1, 2, 3});  // positions, in tune_params' order
  CHECK(f.Optimum() == 2e6);
  CHECK(f.times.at({{"a", 3}, {"x", 2}}) == 6e6);
  const RecordedSpace s = ImportKernelTuner(WriteTemp("kt_string.json", CacheOf({"\"lo\"", "\"hi\"", "3"})));
  CHECK(s.times.size() == 6);
  // A value listed twice in tune_params, or two entries of one config: refused, not merged.
  CHECK(ErrorOf([] {
          ImportKernelTuner(WriteTemp("kt_twice.json", CacheOf({"1", "1.0"})));
        }).find("twice") != std::string::npos);
  std::string dup = CacheOf({"1", "2"});
  dup.insert(dup.size() - 2, ", \"again\": {\"a\": 2, \"x\": 2, \"time\": 9}");
  const std::string error = ErrorOf([&] { ImportKernelTuner(WriteTemp("kt_dup.json", dup)); });
  CHECK(error.find("cache entry again is the same config as entry 1,2") != std::string::npos);
}

TEST_CASE("Kernel Tuner import: the cache's objective, not always time") {
  // GFLOP/s is maximised: the entry with the most GFLOP/s is the optimum whatever its time.
  std::string text = CacheOf({"1", "2"}, "\"objective\": \"GFLOP/s\", ");
  size_t at = 0;
  for (int i = 0; (at = text.find("\"time\"", at)) != std::string::npos; ++i, at += 20) {
    text.insert(at, "\"GFLOP/s\": " + std::to_string(i == 2 ? 500 : 100 + i) + ", ");
  }
  const RecordedSpace g = ImportKernelTuner(WriteTemp("kt_gflops.json", text));
  CHECK(g.objective == "GFLOP/s");
  CHECK(g.higher_is_better);
  const auto best =
      std::min_element(g.times.begin(), g.times.end(), [](auto& a, auto& b) { return a.second < b.second; });
  CHECK(best->first == ParamMap{{"a", 2}, {"x", 1}});  // the third entry, 500 GFLOP/s, time 3 ms
  CHECK(std::abs(g.Optimum() - 1.0 / 500) < 1e-15);
  // An explicit direction wins; a name of unknown direction without one is refused.
  std::string lower = text;
  lower.replace(lower.find("\"objective\""), 0, "\"objective_higher_is_better\": false, ");
  CHECK_FALSE(ImportKernelTuner(WriteTemp("kt_lower.json", lower)).higher_is_better);
  std::string unknown = CacheOf({"1", "2"}, "\"objective\": [\"score\"], ");
  CHECK(ErrorOf([&] { ImportKernelTuner(WriteTemp("kt_score.json", unknown)); }).find("direction is unknown") !=
        std::string::npos);
  // A record without the objective that is not a failure cannot be replayed.
  std::string missing = CacheOf({"1", "2"}, "\"objective\": \"GB/s\", ");
  CHECK(ErrorOf([&] { ImportKernelTuner(WriteTemp("kt_nogbs.json", missing)); }).find("no GB/s and no failure") !=
        std::string::npos);
}

TEST_CASE("CLBlast import refuses what it cannot represent exactly") {
  auto file = [](const std::string& results) {
    return WriteTemp("clblast_bad.json", "{\"kernel_family\": \"xaxpy\", \"results\": [" + results + "]}");
  };
  const std::string a = R"({"kernel": "X", "time": 1.5, "parameters": {"VW": 1, "WGS": 64}})";
  const std::string b = R"({"kernel": "X", "time": 1.0, "parameters": {"VW": 2, "WGS": 64}})";
  CHECK(ImportClblast(file(a + "," + b)).times.size() == 2);
  const std::string again = R"({"kernel": "X", "time": 0.5, "parameters": {"VW": 1, "WGS": 64}})";
  CHECK(ErrorOf([&] { ImportClblast(file(a + "," + b + "," + again)); }).find("result 3 repeats") != std::string::npos);
  const std::string other = R"({"kernel": "X", "time": 0.5, "parameters": {"VW": 4}})";
  CHECK(ErrorOf([&] { ImportClblast(file(a + "," + other)); }).find("other parameters") != std::string::npos);
  const std::string untimed = R"({"kernel": "X", "parameters": {"VW": 4, "WGS": 64}})";
  CHECK(ErrorOf([&] { ImportClblast(file(a + "," + untimed)); }).find("no time") != std::string::npos);
}

TEST_CASE("a space exported as a Kernel Tuner cache reads back as the same space") {
  const RecordedSpace grid = Grid();
  const RecordedSpace back = ImportKernelTuner(WriteTemp("kt_export.json", KernelTunerCacheJson(grid)));
  CHECK(back.times == grid.times);  // the failure included, the unmeasured config still absent
  CHECK(back.params.size() == grid.params.size());
  CHECK(back.params[0].values == grid.params[0].values);
}

TEST_CASE("random search's exact median and reach probability") {
  // One good config among n: P(first good <= k) = k / n, exactly 1/2 at n/2, so the median is n/2 + 0.5.
  CHECK(RandomExactMedian(4362, 1) == 2181.5);
  CHECK(RandomExactMedian(17956, 6) == 1959);
  CHECK(RandomExactMedian(11130, 277) == 28);
  CHECK(RandomExactMedian(10, 10) == 1);
  CHECK(RandomExactMedian(3, 1) == 2);  // P = 1/3, 2/3
  // n = 10, g = 3: P(k = 1) = 0.3, P(k <= 2) = 1 - 7*6/(10*9) = 0.533.
  CHECK(RandomExactMedian(10, 3) == 2);
  CHECK(std::abs(RandomReachProbability(10, 3, 2) - (1 - 42.0 / 90)) < 1e-12);
  CHECK(RandomReachProbability(10, 3, 8) == 1.0);
  CHECK(RandomReachProbability(10, 0, 5) == 0.0);
  // Against sampled random search on the grid: 1 config of 35 within 1%, so about 18.
  const RecordedSpace grid = Grid();
  ReplayOptions o;
  o.strategies = {"random"};
  o.seeds = 400;
  const auto stats = Replay(grid, o);
  CHECK(stats[0].good[0] == 1);
  CHECK(stats[0].random_median[0] == 18);  // 35 configs: P(k <= 18) = 18/35 >= 1/2
  CHECK(std::abs(EvalsPercentile(stats[0].evals_to[0], 0.5) - 18) <= 3);
  CHECK(FormatReplayTable(stats).find("random*") != std::string::npos);
  const JsonValue json = ParseJson(ReplayJson(stats, o, "test"));
  CHECK(json.Find("results")->array[0].Find("within_1pct")->Find("random_exact_median")->number == 18);
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
    record(da, key, "KT=8,LX=2,LY=2", "invalid", 0);                    // never a candidate: left out
    record(da, key, "LX=1,LY=1", "ok", 50);                             // a default without KT: left out
    record(db, key, "KT=8,LX=2,LY=2", "ok", 10);                        // the other device: history
    record(da, "gemm:K=8,M=32,N=16:fp32", "KT=8,LX=2,LY=1", "ok", 20);  // another shape: history
  }
  const RecordedSpace s = LoadRecordedSpace("db:" + path + ":gemm:K=8,M=16,N=16:fp32@gpu-a");
  CHECK(s.times.size() == 3);
  CHECK(s.Passed() == 2);
  CHECK(s.Optimum() == 100);
  REQUIRE(s.history.size() == 2);
  CHECK(s.history[0].distance != s.history[1].distance);
  CHECK(ErrorOf([&] { LoadRecordedSpace("db:" + path + ":gemm:K=8,M=16,N=16:fp32"); }).find("several devices") !=
        std::string::npos);
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
