# SPDX-License-Identifier: Apache-2.0
# Project warning flags, applied per target so that consumers of the installed runtime never inherit them.
function(mace_tune_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion)
  if(MACE_TUNE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
