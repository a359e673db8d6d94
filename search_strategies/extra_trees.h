// SPDX-License-Identifier: Apache-2.0
// A small extremely-randomized-trees regressor (Geurts et al. 2006) for the model-based strategy:
// each split is the best of a few random (axis, threshold) pairs; the spread of the trees'
// predictions serves as the model's uncertainty.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mace_tune::detail {

class ExtraTrees {
 public:
  ExtraTrees(int trees, int min_leaf) : trees_(trees), min_leaf_(min_leaf) {}
  void Fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y, std::mt19937_64& rng);
  // Mean and standard deviation over the trees.
  void Predict(const std::vector<double>& x, double* mean, double* stddev) const;

 private:
  struct Node {
    int axis = -1;  // -1: leaf
    double threshold = 0, value = 0;
    int left = 0, right = 0;
  };
  struct Split {
    int axis = -1;  // -1: no axis separates the node's rows
    double threshold = 0;
  };
  int Build(std::vector<Node>& tree, const std::vector<double>& y, std::vector<size_t>& rows, size_t begin, size_t end,
            std::mt19937_64& rng);
  Split BestSplit(const std::vector<double>& y, const std::vector<size_t>& rows, size_t begin, size_t end,
                  std::mt19937_64& rng) const;

  int trees_, min_leaf_;
  std::vector<std::vector<Node>> forest_;
  std::vector<std::vector<double>> columns_;  // during Fit: the features, one vector per axis
};

}  // namespace mace_tune::detail
