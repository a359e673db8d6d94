// SPDX-License-Identifier: Apache-2.0
// The one place that fixes the OpenCL API level the project compiles against.
// OpenCL 1.2 is what mobile GPUs (Adreno, Mali, PowerVR) reliably offer.
#pragma once

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
