// SPDX-License-Identifier: Apache-2.0
// The tree-model strategy's settings, so that `model` and `hybrid` (hybrid.cc) share one
// implementation (model_based.cc) and differ only in what these switch on.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "strategy.h"

namespace mace_tune::detail {

struct ModelSettings {
  std::string_view name = "model";
  // Evaluations before recombination takes turns (0: never); then every n-th proposal is the
  // offspring of the best `parents` configs, of `children` drawn, that the trees predict fastest.
  size_t recombine_from = 0, recombine_every = 2, parents = 16, children = 200;
  // Once recombining, also recombine instead of expected improvement when the best configs have
  // no unseen neighbours left (the local search has stalled).
  bool recombine_when_stalled = false;
  // Refit the trees only once the history grew by this fraction since the last fit (0: always).
  double refit_growth = 0;
  // Local-size axes beyond LX/LY/LZ: Kernel Tuner's block_size_x/y/z and CLBlast's MDIMC/NDIMC.
  bool foreign_local_names = false;
};

std::unique_ptr<SearchStrategy> MakeModelBased(const SearchSpace& space, const StrategyOptions& o,
                                               const ModelSettings& settings);

// Each config's encoding plus, when the space has local-size axes, log2 of the work-group size
// (their product) scaled to [0,1]: what matters most on a GPU is the product, which no axis shows.
std::vector<std::vector<double>> ModelFeatures(const SearchSpace& space, bool foreign_local_names);

}  // namespace mace_tune::detail
