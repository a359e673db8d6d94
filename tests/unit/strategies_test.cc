// SPDX-License-Identifier: Apache-2.0
// The search space and the exhaustive and random strategies: constraints respected, every config
// proposed once, reproducible from the seed.
#include <set>

#include "catch.h"
#include "search_strategies/strategy.h"

using namespace mace_tune;

namespace {
SearchSpace SmallSpace() {
  // 4 x 4 x 3 = 48 combinations; the constraint keeps those with A*B <= 8 and C != 2 when A == 1.
  return SearchSpace({{"A", {1, 2, 4, 8}}, {"B", {1, 2, 4, 8}}, {"C", {1, 2, 3}}}, [](const ParamMap& p) {
    if (p.at("A") * p.at("B") > 8) return std::string("too large");
    if (p.at("A") == 1 && p.at("C") == 2) return std::string("excluded");
    return std::string();
  });
}

std::vector<size_t> Drain(SearchStrategy& s) {
  std::vector<size_t> order;
  while (auto next = s.Next()) {
    order.push_back(*next);
    s.Tell(*next, EvalOutcome{true, 1.0});
  }
  return order;
}
}  // namespace

TEST_CASE("search space enumerates exactly the valid configs") {
  const SearchSpace space = SmallSpace();
  size_t expected = 0;
  for (int a : {1, 2, 4, 8}) {
    for (int b : {1, 2, 4, 8}) {
      for (int c : {1, 2, 3}) expected += (a * b <= 8 && !(a == 1 && c == 2)) ? 1 : 0;
    }
  }
  CHECK(space.size() == expected);
  CHECK(space.size() + space.rejected() == 48);
  for (const auto& config : space.configs()) {
    CHECK(config.at("A") * config.at("B") <= 8);
    CHECK(space.IndexOf(config).has_value());
  }
  CHECK_FALSE(space.IndexOf({{"A", 8}, {"B", 8}, {"C", 1}}).has_value());
}

TEST_CASE("exhaustive proposes every config once, in order") {
  const SearchSpace space = SmallSpace();
  auto s = MakeStrategy("exhaustive", space, 0);
  const auto order = Drain(*s);
  REQUIRE(order.size() == space.size());
  for (size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
}

TEST_CASE("random proposes a seeded permutation") {
  const SearchSpace space = SmallSpace();
  auto a = MakeStrategy("random", space, 42);
  auto b = MakeStrategy("random", space, 42);
  auto c = MakeStrategy("random", space, 43);
  const auto order_a = Drain(*a), order_b = Drain(*b), order_c = Drain(*c);
  CHECK(order_a == order_b);
  CHECK(order_a != order_c);
  CHECK(std::set<size_t>(order_a.begin(), order_a.end()).size() == space.size());
  CHECK(order_a.size() == space.size());
}

TEST_CASE("unknown strategy names the known ones") {
  const SearchSpace space = SmallSpace();
  try {
    MakeStrategy("annealing-typo", space, 1);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("exhaustive") != std::string::npos);
    CHECK(std::string(e.what()).find("random") != std::string::npos);
  }
}

namespace {
// Proposals with a made-up outcome for each; when `peek` > 0, Upcoming(peek) is asked before
// every Next(), as the tuner does when it prebuilds, and each peeked config must come next.
std::vector<size_t> DrainPeeking(SearchStrategy& s, const SearchSpace& space, size_t peek, size_t limit,
                                 size_t* peeked_total) {
  std::vector<size_t> order;
  std::vector<size_t> promised;
  *peeked_total = 0;
  while (order.size() < limit) {
    if (peek > 0) {
      const auto up = s.Upcoming(peek);
      CHECK(up.size() <= peek);
      // What was promised before must still be what comes first.
      for (size_t i = 0; i < promised.size() && i < up.size(); ++i) CHECK(up[i] == promised[i]);
      if (up.size() > promised.size()) *peeked_total += up.size() - promised.size();
      promised = up;
    }
    const auto next = s.Next();
    if (!next) break;
    if (!promised.empty()) {
      CHECK(*next == promised.front());
      promised.erase(promised.begin());
    }
    order.push_back(*next);
    const ParamMap& p = space.configs()[*next];
    const bool ok = p.at("C") != 3;  // some failures too
    s.Tell(*next, EvalOutcome{ok, 1000.0 / static_cast<double>(p.at("A") * 3 + p.at("B") + p.at("C"))});
  }
  return order;
}
}  // namespace

TEST_CASE("Upcoming() names the next proposals and never changes them") {
  const SearchSpace space = SmallSpace();
  for (const char* name : {"exhaustive", "random", "model", "hybrid", "annealing", "genetic"}) {
    INFO(name);
    auto plain = MakeStrategy(name, space, 7);
    auto peeking = MakeStrategy(name, space, 7);
    size_t unused = 0, peeked = 0;
    const auto a = DrainPeeking(*plain, space, 0, 20, &unused);
    const auto b = DrainPeeking(*peeking, space, 3, 20, &peeked);
    CHECK(a == b);
    const std::string n = name;
    if (n == "exhaustive" || n == "random") CHECK(peeked >= 19);
    if (n == "model" || n == "hybrid") {
      CHECK(peeked == 5);  // the random start only (model_based.cc kInitial)
    }
    if (n == "annealing" || n == "genetic") CHECK(peeked == 0);
  }
}
