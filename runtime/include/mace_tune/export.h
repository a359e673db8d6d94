/* SPDX-License-Identifier: Apache-2.0 */
/* What a shared runtime exports: the runtime is compiled with hidden visibility and each public
 * header wraps its declarations in MACE_TUNE_PUBLIC_BEGIN / MACE_TUNE_PUBLIC_END, so the API of
 * include/mace_tune/ is all libmace_tune_runtime.so offers; mace_tune::detail, mace_tune::desc and
 * the OpenCL wrappers stay inside, free to change between releases. */
#ifndef MACE_TUNE_EXPORT_H_
#define MACE_TUNE_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define MACE_TUNE_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define MACE_TUNE_PUBLIC_END _Pragma("GCC visibility pop")
#define MACE_TUNE_NOT_EXPORTED __attribute__((visibility("hidden"))) /* a public class's private part */
#else
#define MACE_TUNE_PUBLIC_BEGIN
#define MACE_TUNE_PUBLIC_END
#define MACE_TUNE_NOT_EXPORTED
#endif

#endif /* MACE_TUNE_EXPORT_H_ */
