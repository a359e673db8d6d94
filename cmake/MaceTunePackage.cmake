# SPDX-License-Identifier: Apache-2.0
# Installs the runtime as a package: mace_tuneTargets (mace_tune::runtime), mace_tuneConfig.cmake
# with its version file for find_package(mace_tune), and mace_tune_runtime.pc for pkg-config.
include(CMakePackageConfigHelpers)
set(MACE_TUNE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mace_tune)

install(EXPORT mace_tuneTargets NAMESPACE mace_tune:: DESTINATION ${MACE_TUNE_CMAKE_DIR} COMPONENT runtime)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mace_tuneConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/mace_tuneConfig.cmake
                              INSTALL_DESTINATION ${MACE_TUNE_CMAKE_DIR})
# 0.x: a minor release may break the C++ API (CHANGELOG.md), so find_package(mace_tune 0.2) takes 0.2.* only.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(compatibility SameMinorVersion)
else()
  set(compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/mace_tuneConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY ${compatibility})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mace_tuneConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/mace_tuneConfigVersion.cmake
        DESTINATION ${MACE_TUNE_CMAKE_DIR} COMPONENT runtime)

# pkg-config: a static runtime needs its private libraries on the link line too, the C++ standard
# library among them when a C compiler links (gcc main.c $(pkg-config --libs --static ...)).
set(MACE_TUNE_PC_PRIVATE_LIBS "-lpthread")
foreach(lib ${MACE_TUNE_CXX_RUNTIME_LIBS})
  string(APPEND MACE_TUNE_PC_PRIVATE_LIBS " -l${lib}")
endforeach()
if(MACE_TUNE_WITH_SODIUM)
  string(APPEND MACE_TUNE_PC_PRIVATE_LIBS " -lsodium")
endif()
# Relocatable: the prefix is found from the .pc file's own place (cmake --install --prefix X works).
file(RELATIVE_PATH MACE_TUNE_PC_UP "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(${CMAKE_CURRENT_LIST_DIR}/mace_tune_runtime.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/mace_tune_runtime.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mace_tune_runtime.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT runtime)
