#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real adb client (Debian's `adb`), where no phone is needed: a private server on a free port,
# started cold by `farm` with four adb targets at once (no client may lose the race to start it:
# "cannot connect to daemon"), `-s` with no such device (adb's reason from stderr, not ''),
# `connect` to a closed port (exit 0 from adb, a failure for us), and `devices`. Skipped (77)
# without adb; scripts/setup.sh installs it.
#   adb_client_test.sh MACE_TUNE
set -eu
cli=$1
command -v adb >/dev/null || { echo "SKIP: no adb on PATH (apt-get install adb)"; exit 77; }
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# A server of our own: its port, and a HOME for the keys it creates, so that no other adb is touched.
ANDROID_ADB_SERVER_PORT=$(free_port)
HOME="$work"
export ANDROID_ADB_SERVER_PORT HOME
closed=$(free_port)
trap 'adb kill-server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; echo "--- stdout"; cat out.txt 2>/dev/null; echo "--- stderr"; cat err.txt 2>/dev/null; exit 1; }
adb version | head -2

# 1. farm on a cold server: four adb targets at once.
if "$cli" farm --targets "adb:emulator-5580,adb:nosuch,adb:127.0.0.1:$closed,adb:other-serial" --db h.db \
     > out.txt 2> err.txt; then
  fail "farm succeeded without devices"
fi
grep -q "cannot connect to daemon" err.txt && fail "a target lost the race to start the adb server"
grep -qF "[adb:nosuch] error: adb device nosuch is not ready: error: device 'nosuch' not found (adb get-state, exit 1)" err.txt ||
  fail "adb's reason for a missing device"
grep -qF "[adb:127.0.0.1:$closed] error: adb connect 127.0.0.1:$closed: failed to connect to '127.0.0.1:$closed'" err.txt ||
  fail "a failed adb connect (exit 0) was not reported as a failure"
grep -q "farm: 0 of 4 targets done" out.txt || fail "farm's count"
echo "farm on a cold adb server: every target failed with adb's own reason"

# 2. The server is up now; it lists no device.
adb devices > out.txt 2> err.txt
[ "$(grep -c . out.txt)" -eq 1 ] && grep -q "List of devices attached" out.txt || fail "adb devices"

# 3. remote-tune to a device that is not there: one line, adb's words.
"$cli" remote-tune --target adb:nosuch --db h.db > out.txt 2> err.txt && fail "remote-tune succeeded"
[ "$(cat err.txt)" = "mace_tune: error: adb device nosuch is not ready: error: device 'nosuch' not found (adb get-state, exit 1); see \`adb devices\`" ] ||
  fail "remote-tune's error line"
test ! -e h.db || fail "a database was created"
echo "adb client: OK"
