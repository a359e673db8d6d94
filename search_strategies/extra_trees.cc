// SPDX-License-Identifier: Apache-2.0
// Extremely randomized trees: fit and predict (extra_trees.h).
#include "extra_trees.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mace_tune::detail {

void ExtraTrees::Fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y, std::mt19937_64& rng) {
  forest_.assign(static_cast<size_t>(trees_), {});
  // Column-major copy: a node's scans read one axis of its rows, contiguous per axis.
  const size_t axes = x.empty() ? 0 : x[0].size();
  columns_.assign(axes, std::vector<double>(x.size()));
  for (size_t r = 0; r < x.size(); ++r) {
    for (size_t a = 0; a < axes; ++a) columns_[a][r] = x[r][a];
  }
  for (auto& tree : forest_) {
    std::vector<size_t> rows(x.size());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    Build(tree, y, rows, 0, rows.size(), rng);
  }
  columns_.clear();
}

int ExtraTrees::Build(std::vector<Node>& tree, const std::vector<double>& y, std::vector<size_t>& rows, size_t begin,
                      size_t end, std::mt19937_64& rng) {
  const int id = static_cast<int>(tree.size());
  tree.emplace_back();
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += y[rows[i]];
  tree[static_cast<size_t>(id)].value = end > begin ? sum / static_cast<double>(end - begin) : 0;
  if (end - begin < static_cast<size_t>(2 * min_leaf_) || columns_.empty()) return id;
  const Split split = BestSplit(y, rows, begin, end, rng);
  if (split.axis < 0) return id;
  const std::vector<double>& column = columns_[static_cast<size_t>(split.axis)];
  const auto mid =
      std::partition(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end),
                     [&](size_t r) { return column[r] < split.threshold; });
  const size_t middle = static_cast<size_t>(mid - rows.begin());
  const int left = Build(tree, y, rows, begin, middle, rng);
  const int right = Build(tree, y, rows, middle, end, rng);
  Node& node = tree[static_cast<size_t>(id)];
  node.axis = split.axis;
  node.threshold = split.threshold;
  node.left = left;
  node.right = right;
  return id;
}

// Every axis once, in random order, each with one random threshold between its lowest and highest
// value in the node; the split with the least summed squared error wins.
ExtraTrees::Split ExtraTrees::BestSplit(const std::vector<double>& y, const std::vector<size_t>& rows, size_t begin,
                                        size_t end, std::mt19937_64& rng) const {
  Split best;
  double best_score = std::numeric_limits<double>::infinity();
  std::vector<size_t> order(columns_.size());
  for (size_t a = 0; a < order.size(); ++a) order[a] = a;
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t a : order) {
    const std::vector<double>& column = columns_[a];
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (size_t i = begin; i < end; ++i) {
      lo = std::min(lo, column[rows[i]]);
      hi = std::max(hi, column[rows[i]]);
    }
    if (hi <= lo) continue;
    const double t = std::uniform_real_distribution<double>(lo, hi)(rng);
    double sl = 0, sr = 0, ql = 0, qr = 0;
    size_t nl = 0;
    for (size_t i = begin; i < end; ++i) {  // without branches: which side is a coin toss
      const double v = y[rows[i]];
      const bool left = column[rows[i]] < t;
      sl += left ? v : 0.0;
      ql += left ? v * v : 0.0;
      sr += left ? 0.0 : v;
      qr += left ? 0.0 : v * v;
      nl += left;
    }
    const size_t nr = end - begin - nl;
    if (nl == 0 || nr == 0) continue;
    const double score = (ql - sl * sl / static_cast<double>(nl)) + (qr - sr * sr / static_cast<double>(nr));
    if (score < best_score) {
      best_score = score;
      best = {static_cast<int>(a), t};
    }
  }
  return best;
}

void ExtraTrees::Predict(const std::vector<double>& x, double* mean, double* stddev) const {
  double sum = 0, squares = 0;
  for (const auto& tree : forest_) {
    size_t n = 0;
    while (tree[n].axis >= 0) {
      n = static_cast<size_t>(x[static_cast<size_t>(tree[n].axis)] < tree[n].threshold ? tree[n].left : tree[n].right);
    }
    sum += tree[n].value;
    squares += tree[n].value * tree[n].value;
  }
  const double count = static_cast<double>(std::max<size_t>(forest_.size(), 1));
  *mean = sum / count;
  *stddev = std::sqrt(std::max(0.0, squares / count - *mean * *mean));
}

}  // namespace mace_tune::detail
