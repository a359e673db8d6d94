// Factories of the built-in strategies, one file each; registry.cc maps names to them.
#pragma once

#include "strategy.h"

namespace mace_tune::detail {
std::unique_ptr<SearchStrategy> MakeExhaustive(const SearchSpace& space, uint64_t seed);
std::unique_ptr<SearchStrategy> MakeRandom(const SearchSpace& space, uint64_t seed);
}  // namespace mace_tune::detail
