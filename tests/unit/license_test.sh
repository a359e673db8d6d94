#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What a team that ships mace_tune checks first: the licence is there, every source file says which
# one it is under (an SPDX line in its first three lines; .cl kernels are covered by LICENSE
# alone, as a line there would change their source digests, on which stored results and shipped
# artifacts are keyed), and the version moves together: CHANGELOG.md's newest release is
# project(VERSION), which `mace_tune --version` prints.
#   license_test.sh SOURCE_DIR VERSION MACE_TUNE
set -eu
src=$1
version=$2
cli=$3
fail() { echo "FAIL: $*"; exit 1; }

head -3 "$src/LICENSE" | grep -q "Apache License" || fail "LICENSE is not the Apache License 2.0"
grep -q "Version 2.0, January 2004" "$src/LICENSE" || fail "LICENSE is not the Apache License 2.0"

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git -C "$src" ls-files)
else  # a source tarball: every file but build trees
  files=$(cd "$src" && find . -path './build*' -prune -o -type f -print | sed 's|^\./||')
fi
missing=0
for f in $files; do
  case "$f" in
    *.cc | *.h | *.c | *.py | *.sh | *.cmake | *.in | *CMakeLists.txt | .ci/run | tests/fake_adb/adb) ;;
    *) continue ;;
  esac
  [ -f "$src/$f" ] || continue
  if ! head -3 "$src/$f" | grep -q "SPDX-License-Identifier: Apache-2.0"; then
    echo "no SPDX line: $f"
    missing=$((missing + 1))
  fi
done
[ "$missing" -eq 0 ] || fail "$missing source files without 'SPDX-License-Identifier: Apache-2.0'"

newest=$(sed -n 's/^## \[\([0-9][0-9.]*\)\].*/\1/p' "$src/CHANGELOG.md" | head -1)
[ "$newest" = "$version" ] || fail "CHANGELOG.md's newest release is '$newest', project(VERSION) is $version"
printed=$("$cli" --version)
[ "$printed" = "mace_tune $version" ] || fail "mace_tune --version prints '$printed', not 'mace_tune $version'"
echo "licence, SPDX lines and version $version: OK"
