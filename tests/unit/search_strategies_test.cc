// SPDX-License-Identifier: Apache-2.0
// Every strategy on synthetic spaces: proposes only valid configs and none twice, stops when the
// space is exhausted, is reproducible from its seed, and finds the optimum of a smooth space well
// before exhaustive search would; the model refines around its best configs. Also the space's
// shared services and the transfer seeds.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "catch.h"
#include "search_strategies/strategy.h"

using namespace mace_tune;

namespace {

// 8 x 8 x 4 axes; a constraint removes X*Y > 32; time is a smooth bowl with its minimum at
// X=16, Y=2, Z=2, and Z=8 always fails.
SearchSpace Bowl() {
  return SearchSpace(
      {{"X", {1, 2, 4, 8, 16, 32, 64, 128}}, {"Y", {1, 2, 4, 8, 16, 32, 64, 128}}, {"Z", {1, 2, 4, 8}}},
      [](const ParamMap& p) { return p.at("X") * p.at("Y") > 256 ? std::string("too big") : std::string(); });
}
EvalOutcome BowlTime(const ParamMap& p) {
  if (p.at("Z") == 8) return {false, 0};
  const double x = std::log2(static_cast<double>(p.at("X"))) - 4, y = std::log2(static_cast<double>(p.at("Y"))) - 1,
               z = std::log2(static_cast<double>(p.at("Z"))) - 1;
  return {true, 1000 * (1 + 0.3 * x * x + 0.2 * y * y + 0.5 * z * z + 0.05 * x * y)};
}

struct Trace {
  std::vector<size_t> order;
  int64_t evals_to_optimum = -1;
};

Trace Run(const std::string& name, const SearchSpace& space, const StrategyOptions& o, size_t budget) {
  auto s = MakeStrategy(name, space, o);
  Trace t;
  double best = 1e300;
  while (t.order.size() < budget) {
    const auto next = s->Next();
    if (!next) break;
    t.order.push_back(*next);
    const EvalOutcome out = BowlTime(space.configs()[*next]);
    if (out.ok && out.time_ns < best) best = out.time_ns;
    if (t.evals_to_optimum < 0 && best <= 1000.0) t.evals_to_optimum = static_cast<int64_t>(t.order.size());
    s->Tell(*next, out);
  }
  return t;
}

const char* const kAdaptive[] = {"random", "annealing", "genetic", "diffevo", "model", "hybrid", "transfer"};

}  // namespace

TEST_CASE("search space services: encoding, neighbours, nearest") {
  const SearchSpace space = Bowl();
  for (size_t i = 0; i < space.size(); i += 7) {
    const auto& e = space.Encode(i);
    REQUIRE(e.size() == 3);
    for (double v : e) CHECK((v >= 0 && v <= 1));
    CHECK(space.Nearest(e) == i);
    CHECK(space.IndexOfDigits(space.Digits(i)) == i);
    for (size_t n : space.Neighbours(i)) {
      int differing = 0;
      for (size_t a = 0; a < 3; ++a) differing += space.Digits(n)[a] != space.Digits(i)[a] ? 1 : 0;
      CHECK(differing == 1);
    }
  }
  const auto corner = space.IndexOf({{"X", 1}, {"Y", 1}, {"Z", 1}});
  REQUIRE(corner);
  CHECK(space.Neighbours(*corner).size() == 3);
  std::vector<bool> skip(space.size(), false);
  skip[*corner] = true;
  CHECK(space.Nearest(space.Encode(*corner), &skip) != corner);
}

TEST_CASE("every strategy proposes valid configs, never twice, and stops when the space is exhausted") {
  const SearchSpace space = Bowl();
  for (const char* name : kAdaptive) {
    INFO(name);
    StrategyOptions o;
    o.seed = 3;
    const Trace t = Run(name, space, o, space.size() + 10);
    CHECK(t.order.size() == space.size());
    CHECK(std::set<size_t>(t.order.begin(), t.order.end()).size() == t.order.size());
    for (size_t i : t.order) CHECK(i < space.size());
  }
}

TEST_CASE("every strategy respects the caller's budget and is reproducible from its seed") {
  const SearchSpace space = Bowl();
  for (const char* name : kAdaptive) {
    INFO(name);
    StrategyOptions a, b;
    a.seed = b.seed = 17;
    const Trace ta = Run(name, space, a, 40), tb = Run(name, space, b, 40);
    CHECK(ta.order.size() == 40);
    CHECK(ta.order == tb.order);
    StrategyOptions c;
    c.seed = 18;
    CHECK(Run(name, space, c, 40).order != ta.order);
  }
}

TEST_CASE("adaptive strategies find the optimum of a smooth space faster than random search") {
  const SearchSpace space = Bowl();
  std::map<std::string, std::vector<int64_t>> evals;
  for (const char* name : kAdaptive) {
    for (uint64_t seed = 1; seed <= 15; ++seed) {
      StrategyOptions o;
      o.seed = seed;
      const Trace t = Run(name, space, o, space.size());
      REQUIRE(t.evals_to_optimum > 0);  // every strategy gets there eventually
      evals[name].push_back(t.evals_to_optimum);
    }
    std::sort(evals[name].begin(), evals[name].end());
  }
  const int64_t random_median = evals["random"][7];
  for (const char* name : {"annealing", "model", "hybrid"}) {
    INFO(name << " median " << evals[name][7] << " vs random " << random_median);
    CHECK(evals[name][7] * 2 < random_median);
  }
}

TEST_CASE("mace baseline tries MACE's work-group list around the default variant, then stops") {
  const SearchSpace space(
      {{"LX", {1, 2, 4, 8, 16, 32, 64, 128, 256}}, {"LY", {1, 2, 4, 8, 16, 32, 64, 128, 256}}, {"V", {1, 2}}},
      [](const ParamMap& p) { return p.at("LX") * p.at("LY") > 256 ? "too big" : ""; });
  StrategyOptions o;
  o.start = ParamMap{{"LX", 8}, {"LY", 8}, {"V", 2}};
  auto s = MakeStrategy("mace", space, o);
  std::set<std::pair<int64_t, int64_t>> shapes;
  while (auto next = s->Next()) {
    const auto& c = space.configs()[*next];
    CHECK(c.at("V") == 2);
    shapes.insert({c.at("LX"), c.at("LY")});
    s->Tell(*next, {true, 1.0});
  }
  // the default, then (128,2) (64,4) ... (1,256), (256,1), (1,256) without duplicates
  CHECK(shapes.count({8, 8}) == 1);
  CHECK(shapes.count({128, 2}) == 1);
  CHECK(shapes.count({256, 1}) == 1);
  CHECK(shapes.count({1, 256}) == 1);
  CHECK(shapes.size() == 10);
}

TEST_CASE("transfer proposes the prior configs first, nearest source first, then searches on") {
  const SearchSpace space = Bowl();
  StrategyOptions o;
  o.seed = 1;
  o.history = {{{{"X", 16}, {"Y", 2}, {"Z", 2}}, 5.0, 0.5, "near"},
               {{{"X", 1}, {"Y", 1}, {"Z", 1}}, 1.0, 3.0, "far"},
               {{{"X", 999}, {"Y", 1}, {"Z", 1}}, 0.5, 0.1, "invalid here"}};
  auto s = MakeStrategy("transfer", space, o);
  const auto first = s->Next();
  REQUIRE(first);
  CHECK(space.configs()[*first] == ParamMap{{"X", 16}, {"Y", 2}, {"Z", 2}});
  s->Tell(*first, BowlTime(space.configs()[*first]));
  const auto second = s->Next();
  REQUIRE(second);
  CHECK(space.configs()[*second] == ParamMap{{"X", 1}, {"Y", 1}, {"Z", 1}});
  s->Tell(*second, BowlTime(space.configs()[*second]));
  const auto third = s->Next();
  REQUIRE(third);
  CHECK(*third != *first);
}

TEST_CASE("model refines around its best configs while they have unseen neighbours") {
  const SearchSpace space = Bowl();
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    StrategyOptions o;
    o.seed = seed;
    auto s = MakeStrategy("model", space, o);
    std::vector<std::pair<double, size_t>> told;  // (time, index), failures as +inf
    for (int step = 0; step < 30; ++step) {
      const auto next = s->Next();
      REQUIRE(next);
      if (told.size() >= 5) {  // past the random start: a neighbour of one of the 3 best, if any
        std::sort(told.begin(), told.end());
        std::set<size_t> near, seen;
        for (const auto& t : told) seen.insert(t.second);
        for (size_t k = 0; k < 3; ++k) {
          for (size_t n : space.Steps(told[k].second)) {
            if (!seen.count(n)) near.insert(n);
          }
        }
        if (!near.empty()) CHECK(near.count(*next) == 1);
      }
      const EvalOutcome out = BowlTime(space.configs()[*next]);
      s->Tell(*next, out);
      told.emplace_back(out.ok ? out.time_ns : 1e300, *next);
    }
  }
}

TEST_CASE("model and hybrid need under a third of random search's evaluations on a space shaped like a kernel's") {
  // Time depends on LX*LY*LZ (best at 64 work-items) and on V and P, not on how the items are
  // spread over the three axes: 28 (LX, LY, LZ) triples hold the optimum's work-group size.
  std::vector<int64_t> sizes = {1, 2, 4, 8, 16, 32, 64};
  const SearchSpace space(
      {{"LX", sizes}, {"LY", sizes}, {"LZ", sizes}, {"P", {1, 2, 4, 8}}, {"V", {1, 2, 4, 8}}},
      [](const ParamMap& p) { return p.at("LX") * p.at("LY") * p.at("LZ") > 1024 ? "too big" : ""; });
  auto time = [](const ParamMap& p) {
    const double w = std::log2(static_cast<double>(p.at("LX") * p.at("LY") * p.at("LZ"))) - 6;
    const double v = std::log2(static_cast<double>(p.at("V"))) - 2, q = std::log2(static_cast<double>(p.at("P"))) - 1;
    return 1000 * (1 + 0.3 * std::abs(w) + 0.3 * v * v + 0.2 * q * q);
  };
  std::map<std::string, std::vector<int64_t>> evals;
  for (const char* name : {"random", "model", "hybrid"}) {
    for (uint64_t seed = 1; seed <= 15; ++seed) {
      StrategyOptions o;
      o.seed = seed;
      auto s = MakeStrategy(name, space, o);
      for (int64_t n = 1;; ++n) {
        const auto next = s->Next();
        REQUIRE(next);
        const double t = time(space.configs()[*next]);
        s->Tell(*next, {true, t});
        if (t <= 1000.0) {
          evals[name].push_back(n);
          break;
        }
      }
    }
    std::sort(evals[name].begin(), evals[name].end());
  }
  INFO("model median " << evals["model"][7] << ", hybrid " << evals["hybrid"][7] << " vs random " << evals["random"][7]
                       << " of " << space.size());
  CHECK(evals["model"][7] * 3 < evals["random"][7]);
  CHECK(evals["hybrid"][7] * 3 < evals["random"][7]);
}

TEST_CASE("Match: the exact config, else the first agreeing on the axes named; never another family's") {
  const SearchSpace space({{"KT", {8, 16, 32}}, {"LOCAL", {0, 1}}, {"LX", {1, 2, 4, 8}}},
                          [](const ParamMap& p) { return p.at("LOCAL") == 0 && p.at("KT") != 8 ? "KT unused" : ""; });
  const auto exact = space.Match({{"KT", 16}, {"LOCAL", 1}, {"LX", 2}});
  REQUIRE(exact);
  CHECK(space.configs()[*exact] == ParamMap{{"KT", 16}, {"LOCAL", 1}, {"LX", 2}});
  const auto partial = space.Match({{"LOCAL", 0}, {"LX", 4}});  // KT left out: LOCAL=0 holds only KT=8
  REQUIRE(partial);
  CHECK(space.configs()[*partial] == ParamMap{{"KT", 8}, {"LOCAL", 0}, {"LX", 4}});
  CHECK_FALSE(space.Match({{"KT", 16}, {"LOCAL", 0}, {"LX", 4}}));              // invalid, and no other agrees
  CHECK_FALSE(space.Match({{"KT", 16}, {"LOCAL", 1}, {"LX", 2}, {"IMG", 0}}));  // IMG: not an axis here
}

TEST_CASE("Steps: one step along each axis, moving the fewest other axes where the constraints demand") {
  // KT exists only as 8 when LOCAL=0 (it is unused there): LOCAL=1,KT=32 cannot step to LOCAL=0 alone.
  const SearchSpace space({{"KT", {8, 16, 32}}, {"LOCAL", {0, 1}}, {"LX", {1, 2, 4, 8}}},
                          [](const ParamMap& p) { return p.at("LOCAL") == 0 && p.at("KT") != 8 ? "KT unused" : ""; });
  const auto from = space.IndexOf({{"KT", 32}, {"LOCAL", 1}, {"LX", 4}});
  REQUIRE(from);
  std::set<ParamMap> steps;
  for (size_t s : space.Steps(*from)) steps.insert(space.configs()[s]);
  CHECK(steps == std::set<ParamMap>{{{"KT", 16}, {"LOCAL", 1}, {"LX", 4}},
                                    {{"KT", 8}, {"LOCAL", 0}, {"LX", 4}},  // LOCAL=0 forces KT=8
                                    {{"KT", 32}, {"LOCAL", 1}, {"LX", 2}},
                                    {{"KT", 32}, {"LOCAL", 1}, {"LX", 8}}});
  // Plain neighbours cannot leave LOCAL=1 from here.
  for (size_t n : space.Neighbours(*from)) CHECK(space.configs()[n].at("LOCAL") == 1);
  // Where every step is valid, Steps are the one-step neighbours.
  const SearchSpace bowl = Bowl();
  for (size_t i = 0; i < bowl.size(); i += 11) {
    auto a = bowl.Steps(i), b = bowl.Neighbours(i);
    std::sort(b.begin(), b.end());
    if (b.size() == a.size()) CHECK(a == b);
  }
}

namespace {

// Shaped like the 4,362-config convolution space that `model` failed on: three binary switches and
// two tile axes pick a region (the right combination is 25-40% faster than the rest), and inside
// the region the time over the two block axes is jagged (a hash, 8-40% above the optimum) except
// for one needle whose neighbours are no better than the rest. 16*5*4*4*8 = 10,240 combinations,
// of which a constraint keeps about two thirds.
SearchSpace NeedleSpace() {
  return SearchSpace({{"BX", {16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256}},
                      {"BY", {1, 2, 4, 8, 16}},
                      {"TX", {1, 2, 3, 4}},
                      {"TY", {1, 2, 3, 4}},
                      {"RO", {0, 1}},
                      {"PAD", {0, 1}},
                      {"SHM", {0, 1}}},
                     [](const ParamMap& p) { return p.at("BX") * p.at("BY") * p.at("TX") > 1024 ? "too big" : ""; });
}
double NeedleTime(const ParamMap& p) {
  uint64_t h = 1469598103934665603ULL;
  for (const auto& [name, v] : p) h = (h ^ static_cast<uint64_t>(v) ^ name[0]) * 1099511628211ULL;
  const double jag = static_cast<double>(h % 1000) / 1000.0;  // 0..1, fixed per config
  const bool needle = p.at("BX") == 32 && p.at("BY") == 4;
  double region = 0.25 * (p.at("RO") == 1 ? 0 : 1) + 0.2 * (p.at("PAD") == 0 ? 0 : 1) +
                  0.3 * (p.at("SHM") == 1 ? 0 : 1) + 0.15 * std::abs(static_cast<double>(p.at("TX") - 1)) +
                  0.15 * std::abs(static_cast<double>(p.at("TY") - 3));
  return 1000 * (1 + region + (needle ? 0 : 0.08 + 0.32 * jag));
}

// Evaluations until within 5% of the optimum (the needle), or -1 within `budget`.
int64_t EvalsToNeedle(const std::string& name, const SearchSpace& space, uint64_t seed, int64_t budget) {
  auto s = MakeStrategy(name, space, seed);
  for (int64_t n = 1; n <= budget; ++n) {
    const auto next = s->Next();
    if (!next) return -1;
    const double t = NeedleTime(space.configs()[*next]);
    s->Tell(*next, {true, t});
    if (t <= 1050.0) return n;
  }
  return -1;
}

}  // namespace

TEST_CASE("hybrid finds a needle whose neighbours are no better, where model's steps do not lead") {
  const SearchSpace space = NeedleSpace();
  std::map<std::string, std::vector<int64_t>> evals;
  for (const char* name : {"hybrid", "model"}) {
    for (uint64_t seed = 1; seed <= 100; ++seed) evals[name].push_back(EvalsToNeedle(name, space, seed, 150));
  }
  auto reached = [&](const std::string& name) {
    return std::count_if(evals[name].begin(), evals[name].end(), [](int64_t e) { return e > 0; });
  };
  // Random search finds the one needle of 5,472 configs within 150 evaluations with p = 0.027; here
  // (seeds 1-100) hybrid did in 83 seeds, model in 56: model's tail is the steps that do not lead
  // there. 100 seeds, because 20 were too few to judge a change by: a sixth random start config
  // alone moved seeds 1-20 from 20 to 16 (and 100 seeds from 83 to 74).
  INFO("within 150 evaluations: hybrid in " << reached("hybrid") << " of 100 seeds, model in " << reached("model"));
  CHECK(reached("hybrid") >= 70);
  CHECK(reached("hybrid") >= reached("model") + 15);
}
