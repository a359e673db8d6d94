# SPDX-License-Identifier: Apache-2.0
# Device-free tests of the search strategies, the replay engine and the importers of other tuners' files.
mace_tune_test(NAME search_strategies_test LABEL unit SOURCES search_strategies_test.cc LIBS mace_tune::strategies)
mace_tune_test(NAME replay_test LABEL unit SOURCES replay_test.cc LIBS mace_tune::replay)
mace_tune_test(NAME measure_test LABEL unit SOURCES measure_test.cc LIBS mace_tune::tuner)
