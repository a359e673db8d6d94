// SPDX-License-Identifier: Apache-2.0
// A user's kernel end to end on a real device, through the library as the CLI drives it: tuned
// from its description (a variant that computes wrong numbers is recorded as wrong and never
// emitted), emitted into both artifacts, and launched by a runtime that was not compiled with it:
// from the binary, with the tuned config, the nearest shape for another key, the app's own newer
// source, and a refused file when its description section is damaged.
#include <cstdlib>
#include <string>

#include "catch.h"
#include "emit/emit.h"
#include "kernels/description_file.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/runtime.h"
#include "runtime/cl/cl_core.h"
#include "test_device.h"
#include "tuner/tuner.h"

using namespace mace_tune;

namespace {

TuneContext& Ctx() {
  static TuneContext ctx = OpenDevice("", "");
  return ctx;
}

const char* const kKey = "scale:n=1001:fp32";  // n % 4 != 0: VEC=4 forgets the tail

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Tunes every config of scale.toml's space for kKey, then emits; returns the output folder.
std::string TuneAndEmit(Store* store) {
  TuneRequest request;
  request.workload = ParseWorkload("t", std::string(kKey) + "\n");
  request.strategy = "exhaustive";
  request.seed = 3;
  request.tool_version = "test";
  Tune(Ctx(), *store, request, nullptr);
  EmitRequest emit;
  emit.out_dir = test::ScratchDir("user_kernel_emit");
  emit.tool_version = "test";
  Emit(Ctx(), *store, emit);
  return emit.out_dir;
}

std::unique_ptr<Runtime> Loaded(const std::string& dir) {
  std::unique_ptr<Runtime> rt;
  REQUIRE(Runtime::Create(Ctx().context.get(), Ctx().device(), &rt).ok());
  REQUIRE(rt->LoadProgramBinaries(dir + "/mace_cl_compiled_program.bin").ok());
  REQUIRE(rt->LoadTunedParams(dir + "/mace_tuned_params.bin").ok());
  return rt;
}

// Runs the prepared kernel on n values and returns how many outputs are not 1.5 * input.
int WrongOutputs(const PreparedKernel& k, int n) {
  std::vector<float> in(static_cast<size_t>(n)), out(in.size());
  for (int i = 0; i < n; ++i) in[static_cast<size_t>(i)] = static_cast<float>(i % 97) - 40.0f;
  cl_int err = CL_SUCCESS;
  Buffer din(
      clCreateBuffer(Ctx().context.get(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, in.size() * 4, in.data(), &err));
  Buffer dout(clCreateBuffer(Ctx().context.get(), CL_MEM_WRITE_ONLY, out.size() * 4, nullptr, &err));
  const float a = 1.5f;
  SetArg(k.kernel(), 0, static_cast<cl_int>(n));
  SetArg(k.kernel(), 1, a);
  SetArg(k.kernel(), 2, din.get());
  SetArg(k.kernel(), 3, dout.get());
  const LaunchGeometry& g = k.config().geometry;
  Launch(Ctx().queue.get(), k.kernel(), g.dims, g.gws, g.lws);
  ReadBuffer(Ctx().queue.get(), dout.get(), out.data(), out.size() * 4);
  int wrong = 0;
  for (int i = 0; i < n; ++i) wrong += out[static_cast<size_t>(i)] != 1.5f * in[static_cast<size_t>(i)];
  return wrong;
}

}  // namespace

TEST_CASE(
    "user kernel: tuned from its description, the wrong variant recorded and never emitted, "
    "launched by the runtime by key",
    "[user_kernel]") {
  RegisterKernelPath(std::string(std::getenv("MACE_TUNE_SOURCE_DIR")) + "/tests/data/user_kernels/scale.toml");
  Store store = Store::Open(test::ScratchDir("user_kernel") + "/u.db");
  const std::string dir = TuneAndEmit(&store);

  // Every config recorded; each VEC=4 one as a wrong result with its reason, VEC=1 ones ok.
  const int64_t device = store.Devices().at(0).id;
  const auto measured = store.Measurements(device, kKey);
  int wrong = 0, ok = 0;
  for (const Measurement& m : measured) {
    INFO(m.params << " " << m.status << " " << m.reason);
    if (Has(m.params, "VEC=4")) {
      CHECK(m.status == MeasurementStatus::kWrongResult);
      CHECK(Has(m.reason, "out: out["));
      ++wrong;
    } else {
      CHECK(m.status == MeasurementStatus::kOk);
      ++ok;
    }
    CHECK(m.source_digest == ProgramSourceDigest("scale"));  // the source and the description
  }
  CHECK(wrong > 0);
  CHECK(ok > 0);
  REQUIRE(store.Descriptions().size() == 1);
  CHECK(store.Descriptions()[0].first == ProgramSourceDigest("scale"));

  // Both artifacts: the tuned file carries the description; the winner is a right one.
  std::vector<uint8_t> bytes;
  REQUIRE(ReadFileBytes(dir + "/mace_tuned_params.bin", &bytes).ok());
  TunedParamFile tuned;
  REQUIRE(ReadTunedParamFile(bytes.data(), bytes.size(), &tuned).ok());
  REQUIRE(tuned.entries.size() == 1);
  CHECK(Has(tuned.entries[0].params, "VEC=1"));
  REQUIRE(tuned.descriptions.size() == 1);

  // The runtime: exact key from the binary, nearest shape for another n, right numbers.
  auto rt = Loaded(dir);
  PreparedKernel k;
  REQUIRE(rt->Prepare(kKey, &k).ok());
  CHECK(k.origin() == ProgramOrigin::kBinary);
  CHECK(k.config().origin == LaunchOrigin::kExact);
  CHECK(k.config().params.at("VEC") == 1);
  CHECK(WrongOutputs(k, 1001) == 0);
  LaunchConfig near;
  REQUIRE(rt->GetLaunch("scale:n=1500:fp32", &near).ok());
  CHECK(near.origin == LaunchOrigin::kNearest);
  PreparedKernel k2;
  REQUIRE(rt->Prepare("scale:n=1500:fp32", &k2).ok());
  CHECK(WrongOutputs(k2, 1500) == 0);

  // The app's own (here: edited) source: the binary built from the tuned source is not used.
  auto fresh = Loaded(dir);
  REQUIRE(fresh->SetProgramSource("scale", "// a newer copy\n" + ProgramSource("scale")).ok());
  PreparedKernel k3;
  REQUIRE(fresh->Prepare(kKey, &k3).ok());
  CHECK(k3.origin() == ProgramOrigin::kSource);
  CHECK(Has(fresh->program_events().back().reason, "stale binary"));
  CHECK(WrongOutputs(k3, 1001) == 0);
  CHECK_FALSE(fresh->SetProgramSource("gemm", "x").ok());  // built-ins keep their embedded source
}

TEST_CASE("user kernel: without its tuned file the runtime says why; a damaged DESC is refused", "[user_kernel]") {
  std::unique_ptr<Runtime> rt;
  REQUIRE(Runtime::Create(Ctx().context.get(), Ctx().device(), &rt).ok());
  LaunchConfig config;
  // This process registered scale.toml (the previous test case) if it ran; a runtime in an app has
  // no registry: ask for a name nobody registered.
  const Status unknown = rt->GetLaunch("transpose_x:cols=3,rows=2:fp32", &config);
  CHECK(unknown.code() == StatusCode::kInvalidArgument);
  CHECK(Has(unknown.message(), "a user's kernel is known once a tuned-parameter file that carries its description"));

  // A tuned file whose DESC section is cut short: refused as a whole, with the reason.
  TunedParamFile file;
  file.device = Ctx().fingerprint;
  desc::DescriptionText text;
  text.name = "cut";
  text.source = "__kernel void cut() {}";
  file.descriptions.push_back(desc::EncodeDescription(text));
  file.descriptions.back().resize(file.descriptions.back().size() / 2);
  const std::vector<uint8_t> bytes = EncodeTunedParamFile(file);
  const Status status = rt->LoadTunedParamsFromMemory(bytes.data(), bytes.size());
  CHECK(status.code() == StatusCode::kBadFormat);
  CHECK(Has(status.message(), "DESC section: truncated or malformed description"));
  // A DESC that claims a built-in family's name is refused too.
  desc::DescriptionText gemm = FindKernelFamily("gemm")->description().text();
  gemm.builtin = false;
  gemm.source = ProgramSource("gemm");
  file.descriptions = {desc::EncodeDescription(gemm)};
  const std::vector<uint8_t> bytes2 = EncodeTunedParamFile(file);
  const Status clash = rt->LoadTunedParamsFromMemory(bytes2.data(), bytes2.size());
  CHECK(clash.code() == StatusCode::kBadFormat);
  CHECK(Has(clash.message(), "the name of a built-in family"));
}
