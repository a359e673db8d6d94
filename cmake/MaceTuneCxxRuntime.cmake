# SPDX-License-Identifier: Apache-2.0
# MACE_TUNE_CXX_RUNTIME_LIBS: the C++ standard library a static runtime needs on a link line that
# a C compiler drives (a C app, `project(app C)`), found from the compiler's own library: libstdc++
# (GCC, and clang on Debian) or libc++ (clang with -stdlib=libc++, the Android NDK). Also written
# into the pkg-config file's Libs.private.
include(CheckCXXSourceCompiles)
check_cxx_source_compiles("#include <cstddef>
#ifndef _LIBCPP_VERSION
#error not libc++
#endif
int main() { return 0; }" MACE_TUNE_HAVE_LIBCXX)
if(MACE_TUNE_HAVE_LIBCXX)
  set(default_libs "c++;m")
else()
  set(default_libs "stdc++;m")
endif()
set(MACE_TUNE_CXX_RUNTIME_LIBS "${default_libs}" CACHE STRING
    "C++ standard library a C link step needs for the static runtime (e.g. stdc++;m or c++;c++abi;m)")
