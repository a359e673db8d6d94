// The kernel families the tuner knows, by name; one static descriptor each.
#include "concat_family.h"
#include "conv2d_family.h"
#include "depthwise_family.h"
#include "eltwise_family.h"
#include "fully_connected_family.h"
#include "gemm_family.h"
#include "pooling_family.h"
#include "resize_bilinear_family.h"
#include "softmax_family.h"

namespace mace_tune {

const KernelFamily* FindKernelFamily(std::string_view name) {
  static const GemmFamily kGemm;
  static const Conv2d1x1Family kConv2d1x1;
  static const Conv2d3x3Family kConv2d3x3;
  static const Conv2dFamily kConv2d;
  static const DepthwiseFamily kDepthwise;
  static const PoolingFamily kPooling;
  static const EltwiseFamily kEltwise;
  static const FullyConnectedFamily kFullyConnected;
  static const SoftmaxFamily kSoftmax;
  static const ResizeBilinearFamily kResizeBilinear;
  static const ConcatFamily kConcat;
  static const KernelFamily* const kFamilies[] = {&kGemm,     &kConv2d1x1,      &kConv2d3x3,      &kConv2d,
                                                  &kDepthwise, &kPooling,       &kEltwise,        &kFullyConnected,
                                                  &kSoftmax,  &kResizeBilinear, &kConcat};
  for (const KernelFamily* family : kFamilies) {
    if (family->Name() == name) return family;
  }
  return nullptr;
}

}  // namespace mace_tune
