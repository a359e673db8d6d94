# SPDX-License-Identifier: Apache-2.0
# Embeds text files (OpenCL C sources, device profiles) into a generated C++ file at build time,
# as Arm Compute Library does: the .cl files stay plain files a person can open and compile.
#
# mace_tune_embed(OUTPUT out.cc NAMESPACE ns FUNCTION fn FILES a.cl b.cl)
# generates `const std::vector<std::pair<std::string_view, std::string_view>>& ns::fn()`
# returning (file stem, file content) pairs.
set(MACE_TUNE_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(mace_tune_embed)
  cmake_parse_arguments(E "" "OUTPUT;NAMESPACE;FUNCTION" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAMESPACE=${E_NAMESPACE}
            -DFUNCTION=${E_FUNCTION} "-DFILES=${E_FILES}" -P ${MACE_TUNE_EMBED_SCRIPT}
    DEPENDS ${E_FILES} ${MACE_TUNE_EMBED_SCRIPT}
    COMMENT "Embedding ${E_FUNCTION}"
    VERBATIM)
endfunction()
