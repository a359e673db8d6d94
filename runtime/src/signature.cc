// SPDX-License-Identifier: Apache-2.0
// The optional SIGN section: finding it, removing it, appending it, and (only in a build with
// MACE_TUNE_WITH_SODIUM) checking its Ed25519 signature. Layout in docs/formats.md "SIGN".
#include "mace_tune/signature.h"

#include <cstring>

#include "mace_tune/artifacts.h"
#include "runtime/src/format.h"
#include "runtime/src/sha256.h"

#ifdef MACE_TUNE_WITH_SODIUM
#include <sodium.h>
#endif

namespace mace_tune {
namespace {

constexpr uint32_t kEd25519 = 1;
constexpr size_t kSignPayload = 4 + 32 + 64;

Status ParseAny(const uint8_t* data, size_t size, detail::ContainerView* view) {
  ArtifactKind kind = DetectArtifactKind(data, size);
  if (kind == ArtifactKind::kUnknown) kind = ArtifactKind::kProgramBinary;  // for its message
  return detail::ParseContainer(data, size, kind, view);
}

void PutLe(uint8_t* at, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) at[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Header and body of the file without its last section (which starts at `cut`).
std::vector<uint8_t> WithoutLast(const uint8_t* data, const detail::ContainerView& view, size_t cut) {
  std::vector<uint8_t> out(data, data + cut);
  PutLe(out.data() + 12, view.sections.size() - 1, 4);
  PutLe(out.data() + 16, cut - kHeaderSize, 8);
  return out;
}

template <typename Fn>
Status Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

}  // namespace

Status ReadSignatureBlock(const uint8_t* data, size_t size, SignatureBlock* out) noexcept {
  return Guard([&] {
    detail::ContainerView view;
    Status status = ParseAny(data, size, &view);
    if (!status.ok()) return status;
    SignatureBlock block;
    if (!view.sections.empty() && view.sections.back().tag == static_cast<uint32_t>(SectionTag::kSignature)) {
      const detail::SectionView& sign = view.sections.back();
      detail::ByteReader in(sign.data, sign.size);
      const uint32_t algorithm = in.U32();
      const uint8_t* key = in.Take(32);
      const uint8_t* signature = in.Take(64);
      // The SIGN section's own header and payload are outside what is signed: anything but the
      // exact 100 bytes with a zero reserved field would be an unsigned, malleable part.
      if (in.failed() || algorithm != kEd25519 || in.remaining() != 0 || sign.reserved != 0) {
        return Status(StatusCode::kBadFormat,
                      "SIGN section: not exactly an Ed25519 signature of 100 bytes with a zero reserved field");
      }
      block.present = true;
      std::memcpy(block.public_key.data(), key, 32);
      std::memcpy(block.signature.data(), signature, 64);
      const size_t cut = static_cast<size_t>(sign.data - data) - 16;
      const auto unsigned_part = WithoutLast(data, view, cut);
      block.signed_digest = detail::Sha256Of(unsigned_part.data(), unsigned_part.size());
    }
    *out = block;
    return Status::Ok();
  });
}

Status StripSignature(const std::vector<uint8_t>& signed_file, std::vector<uint8_t>* out) noexcept {
  return Guard([&] {
    detail::ContainerView view;
    Status status = ParseAny(signed_file.data(), signed_file.size(), &view);
    if (!status.ok()) return status;
    if (view.sections.empty() || view.sections.back().tag != static_cast<uint32_t>(SectionTag::kSignature)) {
      *out = signed_file;
      return Status::Ok();
    }
    const size_t cut = static_cast<size_t>(view.sections.back().data - signed_file.data()) - 16;
    std::vector<uint8_t> bytes = WithoutLast(signed_file.data(), view, cut);
    const auto digest = detail::Sha256Of(bytes.data(), bytes.size());
    bytes.insert(bytes.end(), digest.begin(), digest.end());
    *out = std::move(bytes);
    return Status::Ok();
  });
}

Status AppendSignature(const std::vector<uint8_t>& unsigned_file, const std::array<uint8_t, 32>& public_key,
                       const std::array<uint8_t, 64>& signature, std::vector<uint8_t>* out) noexcept {
  return Guard([&] {
    detail::ContainerView view;
    Status status = ParseAny(unsigned_file.data(), unsigned_file.size(), &view);
    if (!status.ok()) return status;
    for (const auto& section : view.sections) {
      if (section.tag == static_cast<uint32_t>(SectionTag::kSignature)) {
        return Status(StatusCode::kInvalidArgument, "the file is already signed");
      }
    }
    std::vector<uint8_t> bytes(unsigned_file.begin(), unsigned_file.end() - kDigestSize);
    detail::ByteWriter section;
    section.U32(static_cast<uint32_t>(SectionTag::kSignature));
    section.U32(0);
    section.U64(kSignPayload);
    section.U32(kEd25519);
    section.Raw(public_key.data(), 32);
    section.Raw(signature.data(), 64);
    bytes.insert(bytes.end(), section.bytes().begin(), section.bytes().end());
    PutLe(bytes.data() + 12, view.sections.size() + 1, 4);
    PutLe(bytes.data() + 16, bytes.size() - kHeaderSize, 8);
    bytes.resize(bytes.size() + kDigestSize);
    detail::Reseal(&bytes);
    *out = std::move(bytes);
    return Status::Ok();
  });
}

bool SignaturesSupported() noexcept {
#ifdef MACE_TUNE_WITH_SODIUM
  return true;
#else
  return false;
#endif
}

Status VerifyArtifactSignature(const uint8_t* data, size_t size, const std::array<uint8_t, 32>& trusted_key) noexcept {
  return Guard([&] {
    SignatureBlock block;
    Status status = ReadSignatureBlock(data, size, &block);
    if (!status.ok()) return status;
    if (!block.present) return Status(StatusCode::kSignatureInvalid, "the file is not signed");
    if (block.public_key != trusted_key) {
      return Status(StatusCode::kSignatureInvalid,
                    "signed with another key (public key " + detail::ToHex(block.public_key.data(), 8) + "...)");
    }
#ifdef MACE_TUNE_WITH_SODIUM
    if (sodium_init() < 0) return Status(StatusCode::kInternal, "libsodium failed to initialize");
    if (crypto_sign_verify_detached(block.signature.data(), block.signed_digest.data(), block.signed_digest.size(),
                                    trusted_key.data()) != 0) {
      return Status(StatusCode::kSignatureInvalid, "Ed25519 signature does not verify (edited file or wrong key)");
    }
    return Status::Ok();
#else
    return Status(StatusCode::kUnsupported,
                  "this runtime was built without signature checks (MACE_TUNE_WITH_SODIUM=OFF)");
#endif
  });
}

}  // namespace mace_tune
