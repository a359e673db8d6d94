// SPDX-License-Identifier: Apache-2.0
// Release commands: `mace_tune bundle` (per-device artifacts -> one multi-device file), and the
// optional Ed25519 signature: `keygen`, `sign`, `verify` (libsodium; MACE_TUNE_WITH_SODIUM=ON).
#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <ctime>
#include <set>
#include <stdexcept>

#include "apps/commands.h"
#include "formats/artifact_writer.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/signature.h"

#ifdef MACE_TUNE_WITH_SODIUM
#include <sodium.h>
#endif

namespace mace_tune::cli {
namespace {

std::vector<uint8_t> ReadOrThrow(const std::string& path, size_t max_bytes = kMaxArtifactBytes) {
  std::vector<uint8_t> bytes;
  const Status status = ReadFileBytes(path, &bytes, max_bytes);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return bytes;
}

void WriteOrThrow(const std::string& path, const std::vector<uint8_t>& bytes, unsigned mode = 0644,
                  bool replace = true) {
  const Status status = WriteFileAtomic(path, bytes, mode, replace);
  if (!status.ok()) throw std::runtime_error(status.ToString());
}

// The fields DeviceFingerprint::SameDriver compares: a set of them keeps bundling linear.
using DriverKey = std::array<std::string, 5>;
DriverKey KeyOf(const DeviceFingerprint& d) {
  return {d.platform_name, d.device_name, d.device_vendor, d.driver_version, d.platform_version};
}

template <typename Group>
void AddGroups(const std::string& path, std::vector<Group> groups, std::vector<Group>* out, std::set<DriverKey>* seen) {
  for (auto& group : groups) {
    if (!seen->insert(KeyOf(group.device)).second) {
      throw std::runtime_error(path + ": a second group for " + group.device.Describe());
    }
    out->push_back(std::move(group));
  }
}

void Bundle(const std::string& out, const std::vector<std::string>& inputs) {
  ArtifactMeta meta;
  meta.writer_version = ToolVersion();
  meta.created_unix = static_cast<int64_t>(std::time(nullptr));
  const ArtifactKind kind = [&] {
    const auto first = ReadOrThrow(inputs.at(0));
    return DetectArtifactKind(first.data(), first.size());
  }();
  ProgramBinaryBundle programs{meta, {}};
  TunedParamBundle tuned{meta, {}};
  std::set<DriverKey> seen;
  for (const auto& path : inputs) {
    const auto bytes = ReadOrThrow(path);
    if (DetectArtifactKind(bytes.data(), bytes.size()) != kind || kind == ArtifactKind::kUnknown) {
      throw std::runtime_error(path + ": not a mace_tune file of the same kind as " + inputs[0]);
    }
    Status status;
    if (kind == ArtifactKind::kProgramBinary) {
      ProgramBinaryBundle in;
      status = ReadProgramBinaryBundle(bytes.data(), bytes.size(), &in);
      if (status.ok()) AddGroups(path, in.groups, &programs.groups, &seen);
    } else {
      TunedParamBundle in;
      status = ReadTunedParamBundle(bytes.data(), bytes.size(), &in);
      if (status.ok()) AddGroups(path, in.groups, &tuned.groups, &seen);
    }
    if (!status.ok()) throw std::runtime_error(path + ": " + status.ToString());
  }
  const bool is_programs = kind == ArtifactKind::kProgramBinary;
  WriteOrThrow(out, is_programs ? EncodeProgramBinaryBundle(programs) : EncodeTunedParamBundle(tuned));
  const size_t groups = is_programs ? programs.groups.size() : tuned.groups.size();
  fmt::print("{}: {} device groups from {} files\n", out, groups, inputs.size());
}

#ifdef MACE_TUNE_WITH_SODIUM
std::vector<uint8_t> ReadHexKey(const std::string& path, size_t size) {
  const auto text = ReadOrThrow(path, 4096);  // a key is a line of hex
  std::vector<uint8_t> key(size);
  size_t length = 0;
  if (sodium_hex2bin(key.data(), key.size(), reinterpret_cast<const char*>(text.data()), text.size(), " \n\r\t",
                     &length, nullptr) != 0 ||
      length != size) {
    throw std::runtime_error(path + ": expected " + std::to_string(size) + " bytes as hex");
  }
  return key;
}

std::string Hex(const uint8_t* data, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}
#endif

void RequireSodium() {
#ifdef MACE_TUNE_WITH_SODIUM
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
#else
  throw std::runtime_error("this mace_tune was built without libsodium: configure with -DMACE_TUNE_WITH_SODIUM=ON");
#endif
}

// keygen: a new Ed25519 key pair, PREFIX.key and PREFIX.pub.
void Keygen(const std::string& prefix, bool force) {
  RequireSodium();
#ifdef MACE_TUNE_WITH_SODIUM
  // A key pair that signed releases cannot be made again: never replaced by accident.
  for (const std::string& path : {prefix + ".key", prefix + ".pub"}) {
    struct stat info {};
    if (!force && ::lstat(path.c_str(), &info) == 0) {
      throw std::runtime_error(path + " exists: not replacing a key pair (--force replaces it)");
    }
  }
  std::vector<uint8_t> pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), sk.data());
  std::string sk_hex = Hex(sk.data(), sk.size()) + "\n";
  const std::string pk_hex = Hex(pk.data(), pk.size()) + "\n";
  std::vector<uint8_t> sk_bytes(sk_hex.begin(), sk_hex.end());
  sodium_memzero(sk.data(), sk.size());
  sodium_memzero(sk_hex.data(), sk_hex.size());
  const Status written = WriteFileAtomic(prefix + ".key", sk_bytes, 0600, force);  // whatever the umask
  sodium_memzero(sk_bytes.data(), sk_bytes.size());
  if (!written.ok()) throw std::runtime_error(written.ToString());
  WriteOrThrow(prefix + ".pub", std::vector<uint8_t>(pk_hex.begin(), pk_hex.end()), 0644, force);
  fmt::print("secret key: {}.key (keep it off the build machines)\npublic key: {}.pub {}\n", prefix, prefix,
             pk_hex.substr(0, 64));
#else
  (void)prefix;
  (void)force;
#endif
}

// sign: an Ed25519 signature over the artifact's digest (re-signing replaces the old one).
void Sign(const std::string& key_path, const std::string& file, const std::string& sign_out) {
  RequireSodium();
#ifdef MACE_TUNE_WITH_SODIUM
  const auto sk = ReadHexKey(key_path, crypto_sign_SECRETKEYBYTES);
  std::vector<uint8_t> bytes;
  Status status = StripSignature(ReadOrThrow(file), &bytes);  // re-signing replaces the old one
  if (!status.ok()) throw std::runtime_error(file + ": " + status.ToString());
  std::array<uint8_t, 64> signature{};
  std::array<uint8_t, 32> pk{};
  crypto_sign_ed25519_sk_to_pk(pk.data(), sk.data());
  crypto_sign_detached(signature.data(), nullptr, bytes.data() + bytes.size() - kDigestSize, kDigestSize, sk.data());
  std::vector<uint8_t> signed_bytes;
  if (!(status = AppendSignature(bytes, pk, signature, &signed_bytes)).ok()) {
    throw std::runtime_error(file + ": " + status.ToString());
  }
  const std::string target = sign_out.empty() ? file : sign_out;
  WriteOrThrow(target, signed_bytes);
  fmt::print("{}: signed with key {}\n", target, Hex(pk.data(), 8));
#else
  (void)key_path;
  (void)file;
  (void)sign_out;
#endif
}

// verify: the artifact's signature against a public key.
void Verify(const std::string& pub_path, const std::string& verify_file) {
  RequireSodium();
#ifdef MACE_TUNE_WITH_SODIUM
  const auto pk = ReadHexKey(pub_path, crypto_sign_PUBLICKEYBYTES);
  std::array<uint8_t, 32> key{};
  std::copy(pk.begin(), pk.end(), key.begin());
  const auto bytes = ReadOrThrow(verify_file);
  const Status status = VerifyArtifactSignature(bytes.data(), bytes.size(), key);
  if (!status.ok()) throw std::runtime_error(verify_file + ": " + status.ToString());
  fmt::print("{}: signature ok (key {})\n", verify_file, Hex(key.data(), 8));
#else
  (void)pub_path;
  (void)verify_file;
#endif
}

}  // namespace

void AddReleaseCommands(CLI::App& app, const GlobalOptions&) {
  auto* bundle = app.add_subcommand("bundle", "merge per-device artifacts of one kind into one multi-device file");
  static std::string out;
  static std::vector<std::string> inputs;
  bundle->add_option("out", out, "the bundle to write")->required();
  bundle->add_option("inputs", inputs, "program-binary files, or tuned-parameter files (bundles too)")->required();
  bundle->callback([] { Bundle(out, inputs); });

  auto* keygen =
      app.add_subcommand("keygen", "make an Ed25519 key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub");
  static std::string prefix;
  static bool force = false;
  keygen->add_option("prefix", prefix, "path prefix of the two files")->required();
  keygen->add_flag("--force", force, "replace an existing key pair (the old secret key is lost)");
  keygen->callback([] { Keygen(prefix, force); });

  auto* sign = app.add_subcommand("sign", "sign an artifact or bundle with an Ed25519 secret key (in place)");
  static std::string key_path, file, sign_out;
  sign->add_option("--key", key_path, "secret key file from `mace_tune keygen`")->required();
  sign->add_option("file", file, "the artifact")->required();
  sign->add_option("-o,--out", sign_out, "write the signed file here instead of in place");
  sign->callback([] { Sign(key_path, file, sign_out); });

  auto* verify = app.add_subcommand("verify", "check an artifact's Ed25519 signature against a public key");
  static std::string pub_path, verify_file;
  verify->add_option("--pub", pub_path, "public key file from `mace_tune keygen`")->required();
  verify->add_option("file", verify_file, "the artifact")->required();
  verify->callback([] { Verify(pub_path, verify_file); });
}

}  // namespace mace_tune::cli
