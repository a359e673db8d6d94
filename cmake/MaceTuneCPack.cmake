# SPDX-License-Identifier: Apache-2.0
# Debian packages, one per install component (`cpack` in the build directory; docs/packages.md):
#   libmace-tune-runtime-dev  the runtime component: static library, headers, CMake and pkg-config
#                             files, and the example apps that link it
#   mace-tune                 the cli component: mace_tune (and mace_bench), the report generator,
#                             the workloads, the documents
# Dependencies on shared libraries come from dpkg-shlibdeps; the others are stated here.
set(MACE_TUNE_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${MACE_TUNE_DOC_DIR}/libmace-tune-runtime-dev
        RENAME copyright COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/NOTICE ${PROJECT_SOURCE_DIR}/docs/runtime.md
        DESTINATION ${MACE_TUNE_DOC_DIR}/libmace-tune-runtime-dev COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/installed_app ${PROJECT_SOURCE_DIR}/examples/user_kernels
        DESTINATION ${MACE_TUNE_DOC_DIR}/libmace-tune-runtime-dev/examples COMPONENT runtime)
if(MACE_TUNE_BUILD_TUNER)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${MACE_TUNE_DOC_DIR}/mace-tune RENAME copyright
          COMPONENT cli)
  install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/NOTICE
          DESTINATION ${MACE_TUNE_DOC_DIR}/mace-tune COMPONENT cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${MACE_TUNE_DOC_DIR}/mace-tune/docs COMPONENT cli
          FILES_MATCHING PATTERN "*.md" PATTERN "sample_data" EXCLUDE PATTERN "report_example" EXCLUDE)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mace-tune)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(MACE_TUNE_PACKAGE_CONTACT "mace_tune maintainers" CACHE STRING "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${MACE_TUNE_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime)
if(MACE_TUNE_BUILD_TUNER)
  list(APPEND CPACK_COMPONENTS_ALL cli)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # NAME_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libmace-tune-runtime-dev)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libdevel)
# An app links the static runtime with OpenCL and the C++ library it was built with.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "ocl-icd-opencl-dev | opencl-dev, libstdc++-dev")
if(MACE_TUNE_WITH_SODIUM)  # signature checks: the static runtime then links libsodium too
  string(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS ", libsodium-dev")
endif()
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "pkg-config, cmake")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "mace_tune embedded runtime (static library and headers)
Loads the compiled-program binaries and tuned-parameter files that mace_tune emits, with
fallbacks to the embedded kernel sources and default launch parameters. OpenCL is its only
dependency. C and C++ APIs; CMake (find_package(mace_tune)) and pkg-config (mace_tune_runtime).")
set(CPACK_DEBIAN_CLI_PACKAGE_NAME mace-tune)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_CLI_PACKAGE_RECOMMENDS "python3, python3-matplotlib, pocl-opencl-icd | opencl-icd")
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "adb, openssh-client, libmace-tune-runtime-dev")
set(CPACK_DEBIAN_CLI_DESCRIPTION "OpenCL auto-tuning and benchmarking harness for mobile vision kernels
Tunes kernel variants and work-group sizes per device (checked against CPU references, timed
with profiling events, recorded in SQLite), emits compiled-program binaries and tuned-parameter
files, makes HTML reports (with python3-matplotlib), and tunes phones and boards over adb and ssh.")
include(CPack)
