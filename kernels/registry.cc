// The kernel families the tuner knows, by name; one static descriptor each.
#include "gemm_family.h"

namespace mace_tune {

const KernelFamily* FindKernelFamily(std::string_view name) {
  static const GemmFamily kGemm;
  if (name == kGemm.Name()) return &kGemm;
  return nullptr;
}

}  // namespace mace_tune
