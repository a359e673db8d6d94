// SPDX-License-Identifier: Apache-2.0
// The tune loop's proposal batches (tuner/proposals.h): a batch of one is the strategy's own
// sequence; a batch of n is known n proposals ahead, holds no config twice, keeps to the budget, and
// a learning strategy still finds the optimum of a smooth space.
#include "tuner/proposals.h"

#include <cmath>
#include <set>

#include "catch.h"

using namespace mace_tune;

namespace {

SearchSpace Grid() {
  return SearchSpace({{"X", {1, 2, 4, 8, 16, 32, 64, 128}}, {"Y", {1, 2, 4, 8, 16, 32, 64, 128}}},
                     [](const ParamMap&) { return std::string(); });
}
EvalOutcome Time(const ParamMap& p) {
  const double x = std::log2(static_cast<double>(p.at("X"))) - 5, y = std::log2(static_cast<double>(p.at("Y"))) - 2;
  return {true, 1000 * (1 + 0.3 * x * x + 0.2 * y * y)};
}

// Proposals in order, each told its time right after it is taken.
std::vector<size_t> Run(const std::string& name, size_t batch, size_t budget, std::vector<size_t>* lookahead) {
  const SearchSpace space = Grid();
  auto strategy = MakeStrategy(name, space, 7);
  ProposalQueue queue(*strategy, batch);
  std::vector<size_t> order;
  while (order.size() < budget) {
    const auto next = queue.Next(budget - order.size());
    if (!next) break;
    order.push_back(*next);
    if (lookahead && order.size() == 1) *lookahead = queue.Upcoming(batch);
    strategy->Tell(*next, Time(space.configs()[*next]));
  }
  return order;
}

}  // namespace

TEST_CASE("a batch of one is the strategy's own sequence; a random batch is the same sequence") {
  const SearchSpace space = Grid();
  auto plain = MakeStrategy("model", space, 7);
  std::vector<size_t> direct;
  for (int i = 0; i < 30; ++i) {
    const auto n = plain->Next();
    REQUIRE(n);
    direct.push_back(*n);
    plain->Tell(*n, Time(space.configs()[*n]));
  }
  CHECK(Run("model", 1, 30, nullptr) == direct);
  CHECK(Run("random", 5, 30, nullptr) == Run("random", 1, 30, nullptr));
}

TEST_CASE("a batch is known ahead, distinct and within the budget, and still converges") {
  std::vector<size_t> ahead;
  const std::vector<size_t> order = Run("model", 4, 45, &ahead);
  REQUIRE(order.size() == 45);
  // After the first proposal of the first batch, the other three are known.
  REQUIRE(ahead.size() >= 3);
  CHECK(std::vector<size_t>(ahead.begin(), ahead.begin() + 3) ==
        std::vector<size_t>(order.begin() + 1, order.begin() + 4));
  CHECK(std::set<size_t>(order.begin(), order.end()).size() == order.size());
  // 64 configs; the optimum (X=32, Y=4) within 45 evaluations of batches of 4.
  const SearchSpace space = Grid();
  bool found = false;
  for (size_t i : order) found = found || Time(space.configs()[i]).time_ns <= 1000.0;
  CHECK(found);
  // A budget of 6 with batches of 4 draws 4, then 2: no proposal beyond the budget.
  auto s = MakeStrategy("random", space, 7);
  ProposalQueue q(*s, 4);
  for (size_t left = 6; left > 0; --left) REQUIRE(q.Next(left));
  const auto seventh = s->Next();  // the strategy's own 7th proposal: nothing was drawn past the 6th
  REQUIRE(seventh);
  CHECK(*seventh == Run("random", 1, 7, nullptr)[6]);
}
