// SPDX-License-Identifier: Apache-2.0
// Device-free tests of the description expressions (runtime/desc/expr.h): precedence, short
// circuits, functions, lists, and every error as a reason (never a crash or a silent zero).
#include "runtime/desc/expr.h"

#include <string>

#include "catch.h"

namespace mace_tune::desc {
namespace {

struct Fixture {
  Scope scope;
  Env env;
  Fixture() {
    for (const char* name : {"M", "N", "TN", "VW", "big", "unset"}) scope.Add(name);
    env = Env(scope.size());
    env.Set(scope.Find("M"), 100);
    env.Set(scope.Find("N"), 7);
    env.Set(scope.Find("TN"), 4);
    env.Set(scope.Find("VW"), 2);
    env.Set(scope.Find("big"), INT64_MAX);
    env.vendor = "NVIDIA Corporation";
    env.device_name = "NVIDIA H200";
  }
  // The value, or the error text prefixed with "!".
  std::string Eval(const std::string& text) {
    Expr expr;
    std::string error;
    if (!Expr::Compile(text, scope, false, &expr, &error)) return "!compile: " + error;
    int64_t v = 0;
    if (!expr.Eval(env, &v, &error)) return "!" + error;
    return std::to_string(v);
  }
};

}  // namespace

TEST_CASE("expressions follow C precedence and short-circuit", "[expr]") {
  Fixture f;
  CHECK(f.Eval("1 + 2 * 3") == "7");
  CHECK(f.Eval("(1 + 2) * 3") == "9");
  CHECK(f.Eval("M / N") == "14");  // truncation, as C
  CHECK(f.Eval("M % N") == "2");
  CHECK(f.Eval("-M + 1") == "-99");
  CHECK(f.Eval("!0 && 3 > 2 || 0") == "1");
  CHECK(f.Eval("TN % VW == 0 ? 10 : 20") == "10");
  CHECK(f.Eval("1 < 2 == 1") == "1");
  CHECK(f.Eval("M >= 100 && N <= 7 && M != N") == "1");
  // The branch not taken is not evaluated: no division by zero, no unset value.
  CHECK(f.Eval("0 && M / 0") == "0");
  CHECK(f.Eval("1 || unset") == "1");
  CHECK(f.Eval("N > 0 ? M : M / 0") == "100");
  CHECK(f.Eval("true + false") == "1");
}

TEST_CASE("expression functions", "[expr]") {
  Fixture f;
  CHECK(f.Eval("min(M, N, 3)") == "3");
  CHECK(f.Eval("max(M, N)") == "100");
  CHECK(f.Eval("ceil_div(M, N)") == "15");
  CHECK(f.Eval("round_up(M, 16)") == "112");
  CHECK(f.Eval("next_pow2(M)") == "128");
  CHECK(f.Eval("next_pow2(0)") == "1");
  CHECK(f.Eval("pow2_floor(M)") == "64");
  CHECK(f.Eval("log2(M)") == "6");
  CHECK(f.Eval("abs(-5)") == "5");
  CHECK(f.Eval("clamp(M, 1, 64)") == "64");
  CHECK(f.Eval("is_pow2(64) + is_pow2(M)") == "1");
  // fit_pow2(items, cap, budget, limit): a local size along one axis.
  CHECK(f.Eval("fit_pow2(M, 16, 256, 1024)") == "16");
  CHECK(f.Eval("fit_pow2(3, 16, 256, 1024)") == "4");
  CHECK(f.Eval("fit_pow2(M, 64, 48, 1024)") == "32");
  CHECK(f.Eval("fit_pow2(M, 64, 0, 1024)") == "1");
  CHECK(f.Eval("vendor_is(\"nvidia\") + device_is(\"h100\")") == "1");
}

TEST_CASE("lists belong in parameter values only", "[expr]") {
  Fixture f;
  Expr expr;
  std::string error;
  std::vector<int64_t> values;
  REQUIRE(Expr::Compile("pow2(2, min(M, 64))", f.scope, true, &expr, &error));
  REQUIRE(expr.EvalList(f.env, &values, &error));
  CHECK(values == std::vector<int64_t>{2, 4, 8, 16, 32, 64});
  REQUIRE(Expr::Compile("range(1, 10, 4)", f.scope, true, &expr, &error));
  REQUIRE(expr.EvalList(f.env, &values, &error));
  CHECK(values == std::vector<int64_t>{1, 5, 9});
  REQUIRE(Expr::Compile("list(3, N, 1)", f.scope, true, &expr, &error));
  REQUIRE(expr.EvalList(f.env, &values, &error));
  CHECK(values == std::vector<int64_t>{3, 7, 1});
  REQUIRE(Expr::Compile("range(0, 100000)", f.scope, true, &expr, &error));
  CHECK_FALSE(expr.EvalList(f.env, &values, &error));
  CHECK(error.find("more than 4096 values") != std::string::npos);
  CHECK(f.Eval("pow2(1, 8)").find("belongs only in a parameter's values") != std::string::npos);
  CHECK(f.Eval("1 + list(1, 2)").find("cannot be part of a number") != std::string::npos);
}

TEST_CASE("expression errors say what and where", "[expr]") {
  Fixture f;
  CHECK(f.Eval("M +") == "!compile: at column 4: expected a value, found the end");
  CHECK(f.Eval("M + colz") == "!compile: at column 5: unknown name 'colz'");
  CHECK(f.Eval("M + 2)") == "!compile: at column 6: unexpected ')'");
  CHECK(f.Eval("sqrt(M)") == "!compile: at column 1: unknown function 'sqrt'");
  CHECK(f.Eval("min()").find("min() takes 1 or more arguments, not 0") != std::string::npos);
  CHECK(f.Eval("ceil_div(M)").find("ceil_div() takes 2 arguments, not 1") != std::string::npos);
  CHECK(f.Eval("12abc").find("malformed number") != std::string::npos);
  CHECK(f.Eval("99999999999999999999").find("number too large") != std::string::npos);
  CHECK(f.Eval("vendor_is(M)").find("takes a string") != std::string::npos);
  CHECK(f.Eval("M + \"x\"").find("a string belongs only in") != std::string::npos);
  // Nesting is bounded: a million parentheses are an error, not a stack overflow.
  CHECK(f.Eval(std::string(1000000, '(') + "1" + std::string(1000000, ')')).find("nested too deeply") !=
        std::string::npos);
  CHECK(f.Eval(std::string(100000, '-') + "1").find("nested too deeply") != std::string::npos);
}

TEST_CASE("evaluation errors: overflow, division by zero, unset values", "[expr]") {
  Fixture f;
  CHECK(f.Eval("M / (N - 7)") == "!division by zero");
  CHECK(f.Eval("M % 0") == "!division by zero");
  CHECK(f.Eval("ceil_div(M, 0)").find("needs a >= 0 and b > 0") != std::string::npos);
  CHECK(f.Eval("big + 1") == "!overflow (beyond 64-bit integers)");
  CHECK(f.Eval("big * 2") == "!overflow (beyond 64-bit integers)");
  CHECK(f.Eval("-big - 2") == "!overflow (beyond 64-bit integers)");
  CHECK(f.Eval("round_up(big, 16)") == "!overflow (beyond 64-bit integers)");
  CHECK(f.Eval("next_pow2(big)") == "!overflow (beyond 64-bit integers)");
  CHECK(f.Eval("pow2_floor(0)").find("below 1") != std::string::npos);
  CHECK(f.Eval("unset + 1") == "!no value for this name here");
  // The audit's shape: a tensor of 2^21 x 2^21 x 2^20 x 4 elements overflows 64 bits.
  f.env.Set(f.scope.Find("M"), 2097152);
  CHECK(f.Eval("1048576 * M * M * 4") == "!overflow (beyond 64-bit integers)");
}

}  // namespace mace_tune::desc
