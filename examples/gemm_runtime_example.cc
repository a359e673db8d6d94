// SPDX-License-Identifier: Apache-2.0
// Runs a GEMM workload through the embedded runtime only, as an app would: no SQLite, no tuner.
// Loads the compiled-program binary and tuned-parameter file if given, prepares every kernel,
// runs each once, checks it against a CPU product, and reports where each program came from.
//
//   gemm_runtime_example [--binary FILE] [--params FILE] WORKLOAD_FILE
// The device: first whose name contains $MACE_TUNE_DEVICE, else the first GPU, else the first.
#include <CL/cl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "mace_tune/runtime.h"

namespace {

cl_device_id ChooseDevice() {
  const char* filter = std::getenv("MACE_TUNE_DEVICE");
  cl_platform_id platforms[16];
  cl_uint num_platforms = 0;
  if (clGetPlatformIDs(16, platforms, &num_platforms) != CL_SUCCESS) return nullptr;
  cl_device_id first = nullptr, first_gpu = nullptr;
  for (cl_uint p = 0; p < num_platforms; ++p) {
    cl_device_id devices[16];
    cl_uint num = 0;
    if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 16, devices, &num) != CL_SUCCESS) continue;
    for (cl_uint d = 0; d < num; ++d) {
      char name[256] = {};
      clGetDeviceInfo(devices[d], CL_DEVICE_NAME, sizeof(name) - 1, name, nullptr);
      cl_device_type type = 0;
      clGetDeviceInfo(devices[d], CL_DEVICE_TYPE, sizeof(type), &type, nullptr);
      if (filter != nullptr && *filter != '\0') {
        if (std::strstr(name, filter) != nullptr) return devices[d];
        continue;
      }
      if (first == nullptr) first = devices[d];
      if (first_gpu == nullptr && (type & CL_DEVICE_TYPE_GPU)) first_gpu = devices[d];
    }
  }
  return first_gpu != nullptr ? first_gpu : first;
}

std::vector<float> Random(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "gemm_runtime_example: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary_path, params_path, workload_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--binary" && i + 1 < argc)
      binary_path = argv[++i];
    else if (arg == "--params" && i + 1 < argc)
      params_path = argv[++i];
    else
      workload_path = arg;
  }
  if (workload_path.empty()) return Fail("usage: gemm_runtime_example [--binary FILE] [--params FILE] WORKLOAD");
  std::vector<std::string> keys;
  std::ifstream workload(workload_path);
  if (!workload) return Fail("cannot read " + workload_path);
  for (std::string line; std::getline(workload, line);) {
    line = line.substr(0, line.find('#'));
    mace_tune::TuningKey key;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!mace_tune::TuningKey::Parse(line, &key).ok()) return Fail("bad line: " + line);
    keys.push_back(key.ToString());
  }

  cl_device_id device = ChooseDevice();
  if (device == nullptr) return Fail("no OpenCL device");
  cl_int err = CL_SUCCESS;
  cl_context context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
  if (err != CL_SUCCESS) return Fail("clCreateContext failed");
  cl_command_queue queue = clCreateCommandQueue(context, device, 0, &err);

  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<mace_tune::Runtime> runtime;
  mace_tune::Status status = mace_tune::Runtime::Create(context, device, &runtime);
  if (!status.ok()) return Fail(status.ToString());
  if (!binary_path.empty() && !(status = runtime->LoadProgramBinaries(binary_path)).ok()) {
    std::printf("binary file not used (%s): programs will be built from source\n", status.ToString().c_str());
  }
  if (!params_path.empty() && !(status = runtime->LoadTunedParams(params_path)).ok()) {
    std::printf("tuned-parameter file not used (%s): default launch configs\n", status.ToString().c_str());
  }
  std::vector<mace_tune::PreparedKernel> kernels(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!(status = runtime->Prepare(keys[i], &kernels[i])).ok()) return Fail(keys[i] + ": " + status.ToString());
  }
  const double startup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  int failures = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& cfg = kernels[i].config();
    const int m = static_cast<int>(cfg.key.Dim("M")), n = static_cast<int>(cfg.key.Dim("N")),
              k = static_cast<int>(cfg.key.Dim("K"));
    const auto a = Random(size_t(m) * k, 1), b = Random(size_t(k) * n, 2);
    std::vector<float> c(size_t(m) * n, NAN);
    cl_mem da = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, a.size() * 4, (void*)a.data(), &err);
    cl_mem db = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, b.size() * 4, (void*)b.data(), &err);
    cl_mem dc = clCreateBuffer(context, CL_MEM_WRITE_ONLY | CL_MEM_COPY_HOST_PTR, c.size() * 4, c.data(), &err);
    cl_kernel kernel = kernels[i].kernel();
    clSetKernelArg(kernel, 0, sizeof(int), &m);
    clSetKernelArg(kernel, 1, sizeof(int), &n);
    clSetKernelArg(kernel, 2, sizeof(int), &k);
    clSetKernelArg(kernel, 3, sizeof(cl_mem), &da);
    clSetKernelArg(kernel, 4, sizeof(cl_mem), &db);
    clSetKernelArg(kernel, 5, sizeof(cl_mem), &dc);
    err = clEnqueueNDRangeKernel(queue, kernel, cfg.geometry.dims, nullptr, cfg.geometry.gws.data(),
                                 cfg.geometry.lws.data(), 0, nullptr, nullptr);
    if (err == CL_SUCCESS)
      err = clEnqueueReadBuffer(queue, dc, CL_TRUE, 0, c.size() * 4, c.data(), 0, nullptr, nullptr);
    double max_err = err == CL_SUCCESS ? 0 : INFINITY;
    for (int r = 0; r < m && err == CL_SUCCESS; ++r) {
      for (int col = 0; col < n; ++col) {
        double ref = 0;
        for (int j = 0; j < k; ++j) ref += double(a[size_t(r) * k + j]) * b[size_t(j) * n + col];
        const double e = std::fabs(ref - c[size_t(r) * n + col]);
        if (!(e <= max_err)) max_err = std::isnan(e) ? INFINITY : e;
      }
    }
    const bool ok = max_err <= 1e-3 * std::sqrt(double(k));
    failures += ok ? 0 : 1;
    std::printf("%-34s %-7s %-6s max error %.2e %s  [%s]\n", keys[i].c_str(),
                mace_tune::ProgramOriginName(kernels[i].origin()), cfg.tuned ? "tuned" : "default", max_err,
                ok ? "ok" : "WRONG",
                cfg.tuned ? cfg.params.size() ? mace_tune::FormatParams(cfg.params).c_str() : "" : cfg.reason.c_str());
    clReleaseMemObject(da);
    clReleaseMemObject(db);
    clReleaseMemObject(dc);
  }
  for (const auto& event : runtime->program_events()) {
    std::printf("program %s: %s (%s, %.1f ms)\n", event.program_key.c_str(), mace_tune::ProgramOriginName(event.origin),
                event.reason.c_str(), event.build_ms);
  }
  std::printf("start-up (runtime create, load, prepare %zu kernels): %.1f ms; %d wrong\n", keys.size(), startup_ms,
              failures);
  kernels.clear();
  runtime.reset();
  clReleaseCommandQueue(queue);
  clReleaseContext(context);
  return failures == 0 ? 0 : 2;
}
