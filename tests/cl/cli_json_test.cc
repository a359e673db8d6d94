// SPDX-License-Identifier: Apache-2.0
// The CLI's JSON outputs read back (tune, emit, merge: stdout is one document whose numbers agree
// with the store), and remote-tune / farm checking tune options on the host before any target.
#include <string>

#include "catch.h"
#include "formats/json_value.h"
#include "remote_test_util.h"
#include "store/sqlite_db.h"
#include "store/store.h"
#include "test_device.h"

using namespace mace_tune;

namespace {

const JsonValue& At(const JsonValue& v, std::string_view key) {
  const JsonValue* found = v.Find(key);
  INFO(key);
  REQUIRE(found != nullptr);
  return *found;
}

// Parses stdout whole: nothing but the document may be there.
JsonValue Document(const test::CliResult& r, const std::string& format) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const JsonValue doc = ParseJson(r.out);
  CHECK(At(doc, "format").string == format);
  CHECK(At(doc, "format_version").number == 1);
  CHECK(At(doc, "tool").string == std::string("mace_tune ") + MACE_TUNE_TEST_VERSION);
  return doc;
}

}  // namespace

TEST_CASE("tune, emit and merge --json: one document each, agreeing with the store") {
  const std::string dir = test::ScratchDir("cli_json");
  const std::string workload = test::WriteTinyWorkload(dir, 2);
  const JsonValue tune =
      Document(test::RunCliIn({"tune", "--workload", workload, "--db", "t.db", "--max-evals", "3", "--json"}, dir),
               "mace_tune tune");
  const JsonValue& keys = At(tune, "keys");
  REQUIRE(keys.array.size() == 2);
  int64_t evaluations = 0;
  for (const JsonValue& key : keys.array) {
    CHECK(At(key, "evaluations").number >= 3);
    evaluations += static_cast<int64_t>(At(key, "measured").number);
    CHECK(!At(At(key, "default"), "config").string.empty());
    const JsonValue& best = At(key, "best");
    REQUIRE(best.IsObject());
    CHECK(At(best, "median_ms").number > 0);
    CHECK(At(key, "speedup").number ==
          Approx(At(At(key, "default"), "median_ms").number / At(best, "median_ms").number).epsilon(1e-9));
  }
  CHECK(evaluations == test::MeasurementsIn(dir + "/t.db"));
  CHECK(At(tune, "new_measurements").number == static_cast<double>(evaluations));

  const JsonValue emit =
      Document(test::RunCliIn({"emit", "--db", "t.db", "--out", "art", "--json"}, dir), "mace_tune emit");
  CHECK(At(At(emit, "params"), "tuning_keys").number == 2);
  CHECK(At(At(emit, "binary"), "path").string == "art/mace_cl_compiled_program.bin");
  REQUIRE(At(emit, "keys").array.size() == 2);
  CHECK(At(At(emit, "keys").array[0], "config").string == At(At(keys.array[0], "best"), "config").string);

  // Every output names the version that wrote it: the database and both artifacts, too.
  const std::string version = std::string("mace_tune ") + MACE_TUNE_TEST_VERSION;
  {
    const detail::Db db = detail::Db::OpenCopy(dir + "/t.db");
    CHECK(db.QueryText("SELECT value FROM meta WHERE key = 'created_by'") == version);
    CHECK(db.QueryInt64("SELECT COUNT(*) FROM runs WHERE tool_version != '" + version + "'") == 0);
  }
  for (const char* file : {"art/mace_cl_compiled_program.bin", "art/mace_tuned_params.bin"}) {
    const test::CliResult r = test::RunCliIn({"inspect", file, "--json"}, dir);
    REQUIRE(r.exit_code == 0);
    CHECK(At(ParseJson(r.out), "writer").string == version);
  }

  const JsonValue merged = Document(test::RunCliIn({"merge", "m.db", "t.db", "--json"}, dir), "mace_tune merge");
  CHECK(At(At(merged, "sources").array.at(0), "measurements_added").number == static_cast<double>(evaluations));
  const JsonValue again = Document(test::RunCliIn({"merge", "m.db", "t.db", "--json"}, dir), "mace_tune merge");
  CHECK(At(At(again, "sources").array.at(0), "measurements_added").number == 0);
  CHECK(At(At(again, "sources").array.at(0), "measurements_identical").number == static_cast<double>(evaluations));
}

TEST_CASE("remote-tune and farm check the tune options on the host, before reaching any target") {
  const std::string dir = test::ScratchDir("cli_remote_options");
  // ssh to a name that cannot resolve: had the options gone through, the error would be ssh's.
  for (const auto& bad : std::vector<std::vector<std::string>>{{"--max-evals", "abc"},
                                                               {"--strategy", "nosuch"},
                                                               {"--seed", "seven"},
                                                               {"--time-limit", "soon"},
                                                               {"--build-jobs", "99"},
                                                               {"--storage", "texture"},
                                                               {"--min-samples", "1.5"}}) {
    for (const std::string command : {"remote-tune", "farm"}) {
      std::vector<std::string> args = {command, command == "farm" ? "--targets" : "--target", "ssh:host.invalid"};
      args.insert(args.end(), bad.begin(), bad.end());
      const test::CliResult r = test::RunCliIn(args, dir);
      INFO(command << " " << bad[0] << " " << bad[1] << ": " << r.err);
      CHECK(r.exit_code != 0);
      CHECK(r.err.find(bad[0]) != std::string::npos);
      CHECK(r.err.find("host.invalid") == std::string::npos);
      CHECK(r.err.find("resume") == std::string::npos);
    }
  }
}
