// The kernel families the tuner knows, by name; one static descriptor each.
#include "depthwise_family.h"
#include "eltwise_family.h"
#include "gemm_family.h"
#include "pooling_family.h"

namespace mace_tune {

const KernelFamily* FindKernelFamily(std::string_view name) {
  static const GemmFamily kGemm;
  static const EltwiseFamily kEltwise;
  static const DepthwiseFamily kDepthwise;
  static const PoolingFamily kPooling;
  static const KernelFamily* const kFamilies[] = {&kGemm, &kEltwise, &kDepthwise, &kPooling};
  for (const KernelFamily* family : kFamilies) {
    if (family->Name() == name) return family;
  }
  return nullptr;
}

}  // namespace mace_tune
