// Extremely randomized trees: fit and predict (extra_trees.h).
#include "extra_trees.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mace_tune::detail {

void ExtraTrees::Fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y, std::mt19937_64& rng) {
  forest_.assign(static_cast<size_t>(trees_), {});
  for (auto& tree : forest_) {
    std::vector<size_t> rows(x.size());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    Build(tree, x, y, rows, 0, rows.size(), rng);
  }
}

int ExtraTrees::Build(std::vector<Node>& tree, const std::vector<std::vector<double>>& x,
                      const std::vector<double>& y, std::vector<size_t>& rows, size_t begin, size_t end,
                      std::mt19937_64& rng) {
  const int id = static_cast<int>(tree.size());
  tree.emplace_back();
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += y[rows[i]];
  tree[static_cast<size_t>(id)].value = end > begin ? sum / static_cast<double>(end - begin) : 0;
  if (end - begin < static_cast<size_t>(2 * min_leaf_) || x.empty()) return id;
  const size_t axes = x[0].size();
  double best_score = std::numeric_limits<double>::infinity(), best_threshold = 0;
  int best_axis = -1;
  std::vector<size_t> order(axes);
  for (size_t a = 0; a < axes; ++a) order[a] = a;
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t a : order) {  // every axis once, each with one random threshold
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (size_t i = begin; i < end; ++i) {
      lo = std::min(lo, x[rows[i]][a]);
      hi = std::max(hi, x[rows[i]][a]);
    }
    if (hi <= lo) continue;
    const double t = std::uniform_real_distribution<double>(lo, hi)(rng);
    double sl = 0, sr = 0, ql = 0, qr = 0;
    size_t nl = 0, nr = 0;
    for (size_t i = begin; i < end; ++i) {
      const double v = y[rows[i]];
      if (x[rows[i]][a] < t) { sl += v; ql += v * v; ++nl; } else { sr += v; qr += v * v; ++nr; }
    }
    if (nl == 0 || nr == 0) continue;
    const double score = (ql - sl * sl / static_cast<double>(nl)) + (qr - sr * sr / static_cast<double>(nr));
    if (score < best_score) {
      best_score = score;
      best_axis = static_cast<int>(a);
      best_threshold = t;
    }
  }
  if (best_axis < 0) return id;
  const auto mid = std::partition(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end),
                                  [&](size_t r) { return x[r][static_cast<size_t>(best_axis)] < best_threshold; });
  const size_t split = static_cast<size_t>(mid - rows.begin());
  const int left = Build(tree, x, y, rows, begin, split, rng);
  const int right = Build(tree, x, y, rows, split, end, rng);
  Node& node = tree[static_cast<size_t>(id)];
  node.axis = best_axis;
  node.threshold = best_threshold;
  node.left = left;
  node.right = right;
  return id;
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
