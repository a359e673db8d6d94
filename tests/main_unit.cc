// SPDX-License-Identifier: Apache-2.0
// Test main for tests that need no device.
#define CATCH_CONFIG_RUNNER
#include "catch.h"

int main(int argc, char** argv) { return Catch::Session().run(argc, argv); }
