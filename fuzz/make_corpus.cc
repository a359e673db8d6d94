// SPDX-License-Identifier: Apache-2.0
// Writes the seed corpus of the artifact fuzzers with the real encoders: small single-device
// files, a two-device bundle and a signed file (fake device binaries keep them small).
//   make_corpus OUT_DIR   (writes OUT_DIR/program_reader/ and OUT_DIR/tuned_reader/; the latter's
//   files are tuned_lookup's seeds too)
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "runtime/io/artifact_bytes.h"

namespace {

using namespace mace_tune;

DeviceFingerprint Device(const std::string& name) {
  DeviceFingerprint d;
  d.platform_name = "QUALCOMM Snapdragon(TM)";
  d.platform_version = "OpenCL 2.0 QUALCOMM build: commit #3dad7f8ed7";
  d.device_name = name;
  d.device_vendor = "QUALCOMM";
  d.driver_version = "OpenCL 2.0 QUALCOMM build: commit #3dad7f8ed7 Compiler E031.37.12.01";
  d.opencl_c_version = "OpenCL C 2.0 Adreno(TM) 640";
  d.compute_units = 2;
  d.max_work_group_size = 1024;
  return d;
}

ProgramBinaryFile Programs(const std::string& device) {
  ProgramBinaryFile f;
  f.meta.writer_version = "mace_tune 0.1.0";
  f.meta.created_unix = 1763769600;
  f.device = Device(device);
  for (int tm : {2, 4}) {
    ProgramEntry e;
    e.program_name = "gemm";
    e.build_options = "-DLOCAL=0 -DTM=" + std::to_string(tm) + " -DTN=4 -DVW=4";
    e.source_digest = std::string(64, 'a');
    e.program_key = ProgramKey(e.program_name, e.build_options, e.source_digest);
    e.binary = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    for (int i = 0; i < 40; ++i) e.binary.push_back(static_cast<uint8_t>(i * tm));
    f.programs.push_back(e);
  }
  return f;
}

TunedParamFile Tuned(const std::string& device) {
  TunedParamFile f;
  f.meta.writer_version = "mace_tune 0.1.0";
  f.device = Device(device);
  TunedEntry e;
  e.tuning_key = "gemm:K=24,M=3136,N=144:fp32";
  e.params = "LOCAL=0,LX=16,LY=16,TM=4,TN=4,VW=4";
  e.build_options = "-DLOCAL=0 -DTM=4 -DTN=4 -DVW=4";
  e.default_params = e.params;
  e.dims = 2;
  e.gws = {48, 784, 1};
  e.lws = {16, 16, 1};
  e.tuned_ns = 872000;
  e.default_ns = 872000;
  f.entries.push_back(e);
  e.tuning_key = "gemm:K=144,M=784,N=32:fp32";
  e.params = "KT=8,LOCAL=1,LX=8,LY=8,TM=2,TN=2,VW=2";
  e.build_options = "-DKT=8 -DLOCAL=1 -DLX=8 -DLY=8 -DTM=2 -DTN=2 -DVW=2";
  f.entries.push_back(e);
  return f;
}

// The audit's key: its tensor sizes overflow 64-bit arithmetic (N*H*W*C = 2^64), beside a sane
// neighbour, so the nearest-shape step compares them too.
TunedParamFile OverflowKey() {
  TunedParamFile f = Tuned("Adreno (TM) 640");
  TunedEntry e = f.entries[0];
  e.tuning_key = "conv2d_1x1:ACT=0,BIAS=0,C=4,H=2097152,K=4,N=1048576,S=1,W=2097152:fp32";
  e.params = "IMG=0,KT=4,LOCAL=0,LX=1,LY=16,LZ=8,PK=1,PW=4";
  e.build_options = "-DACT=0 -DBIAS=0 -DPK=1 -DPW=4 -DS=1";
  e.dims = 3;
  f.entries = {e};
  e.tuning_key = "conv2d_1x1:ACT=0,BIAS=0,C=4,H=32,K=4,N=1,S=1,W=32:fp32";
  f.entries.push_back(e);
  return f;
}

void Write(const std::string& path, const std::vector<uint8_t>& bytes) {
  const Status status = detail::WriteFileAtomicImpl(path, bytes.data(), bytes.size());
  std::printf("%s: %zu bytes %s\n", path.c_str(), bytes.size(), status.ok() ? "" : status.ToString().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string out = argv[1];
  ::mkdir((out + "/program_reader").c_str(), 0755);
  ::mkdir((out + "/tuned_reader").c_str(), 0755);
  const auto single = EncodeProgramBinaryFile(Programs("Adreno (TM) 640"));
  Write(out + "/program_reader/single.mtp", single);
  Write(out + "/program_reader/bundle.mtp",
        EncodeProgramBinaryBundle({Programs("x").meta, {Programs("Adreno (TM) 640"), Programs("Mali-G76")}}));
  std::vector<uint8_t> signed_file;
  std::array<uint8_t, 64> signature{};
  signature.fill(0x5a);
  AppendSignature(single, std::array<uint8_t, 32>{1, 2, 3}, signature, &signed_file);
  Write(out + "/program_reader/signed.mtp", signed_file);
  Write(out + "/tuned_reader/single.mtt", EncodeTunedParamFile(Tuned("Adreno (TM) 640")));
  Write(out + "/tuned_reader/bundle.mtt",
        EncodeTunedParamBundle({Tuned("x").meta, {Tuned("Adreno (TM) 640"), Tuned("Mali-G76")}}));
  Write(out + "/tuned_reader/overflow_key.mtt", EncodeTunedParamFile(OverflowKey()));
  return 0;
}
