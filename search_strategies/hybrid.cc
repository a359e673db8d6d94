// SPDX-License-Identifier: Apache-2.0
// `hybrid`, the default of `tune`: the tree model (`model`) taking turns with recombination that
// the same trees screen. Why (docs/search.md has the measurements): `model` refines around its
// incumbents one step at a time, which is what GEMM-like spaces reward, but where the optimum is
// a needle whose neighbours are not especially good (a 4,362-config convolution: one config within
// 5%, its neighbours 20-40% slower) the steps never lead to it and expected improvement spreads the
// budget over regions the trees cannot tell apart. The genetic algorithm's crossover reaches such
// a needle, as a combination of values that several good configs hold, but blindly. Here every
// second proposal (once 16 configs are known) is, of 200 offspring of the 16 best configs, the
// unseen valid one the trees predict fastest; the others are `model`'s, except that when the best
// configs have no unseen neighbours left, recombination also takes the place of expected
// improvement (on the convolution needle: 94% -> 100% and 90% -> 98% of 200 seeds within 300
// evaluations; unchanged elsewhere, where the steps rarely run out). Crossover treats an axis'
// values as labels, which suits categorical axes, and only valid offspring are screened, which
// suits sparse, constrained spaces.
#include "model_based.h"
#include "strategies.h"

namespace mace_tune::detail {

std::unique_ptr<SearchStrategy> MakeHybrid(const SearchSpace& space, const StrategyOptions& o) {
  ModelSettings s;
  s.name = "hybrid";
  s.recombine_from = 16;
  s.recombine_every = 2;
  s.parents = 16;
  s.children = 200;
  s.recombine_when_stalled = true;
  // Refitting at every proposal cost ~30 ms at 1,000 evaluations of an 18,000-config space; once
  // per 10% of growth the cost stays a few ms (bench/strategy_bench) and the replays did not move.
  s.refit_growth = 0.10;
  s.foreign_local_names = true;
  return MakeModelBased(space, o, s);
}

}  // namespace mace_tune::detail
