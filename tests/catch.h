// SPDX-License-Identifier: Apache-2.0
// Includes Catch2 v3 where installed, else v2 (Debian 12 ships v2), so tests build with either.
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_macros.hpp>
#define MT_CATCH3 1
#else
#include <catch2/catch.hpp>
#endif
