#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""MACE interop end to end on the OpenCL device (PoCL in CI): the MACE-convention example kernel
(examples/user_kernels/mace_bias_relu) is tuned, `emit --format mace` writes both of MACE's files in
both layouts, and an independent reader decodes them: Debian's python3-protobuf against the schema
stated in docs/formats.md (with zlib's CRC-32) for the protobuf container, `struct` for the legacy
raw layout. Then `inspect` reads them back, `import-mace` maps the tuned entry back to the winner,
and `tune --strategy transfer --prior-from` starts from a MACE file written here by protobuf itself.
Exits 77 (skipped) without an OpenCL device or without python3-protobuf.

  mace_interop_test.py SOURCE_DIR MACE_TUNE_CLI
"""
from __future__ import annotations

import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

KEY = "bias_relu:C=24,H=9,N=1,W=13:fp32"
TEMPLATE = "bias_relu=bias_relu_opencl_kernel_{N}_{H}_{W}_{C}"
MACE_KEY = "bias_relu_opencl_kernel_1_9_13_24"
MACE_VERSION = "v1.1.1-test"
OPTIONS = "bias_relu=-DDATA_TYPE=float -DCMD_DATA_TYPE=f"
PROGRAM_KEY = "bias_relu -DCMD_DATA_TYPE=f -DDATA_TYPE=float"
PLATFORM_KEY = "mace_opencl_precompiled_platform_info_key"
DEVICE_KEY = "mace_opencl_precompiled_device_name_key"


def kv_classes():
    """KVPair and PairContainer built from a descriptor at run time (no protoc needed)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    f = descriptor_pb2.FileDescriptorProto(name="mace_kv.proto", package="mace", syntax="proto2")
    pair = f.message_type.add(name="KVPair")
    L, T = descriptor_pb2.FieldDescriptorProto, descriptor_pb2.FieldDescriptorProto
    pair.field.add(name="key", number=1, label=L.LABEL_OPTIONAL, type=T.TYPE_STRING)
    pair.field.add(name="bytes_value", number=2, label=L.LABEL_OPTIONAL, type=T.TYPE_BYTES)
    pair.field.add(name="uint32s_value", number=3, label=L.LABEL_REPEATED, type=T.TYPE_UINT32)
    container = f.message_type.add(name="PairContainer")
    container.field.add(name="pairs", number=1, label=L.LABEL_REPEATED, type=T.TYPE_MESSAGE, type_name=".mace.KVPair")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    desc = pool.FindMessageTypeByName("mace.PairContainer")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def read_protobuf(path: str, Container) -> dict:
    data = open(path, "rb").read()
    body, (crc,) = data[:-4], struct.unpack("<I", data[-4:])
    assert zlib.crc32(body) & 0xFFFFFFFF == crc, f"{path}: CRC-32 trailer does not match"
    c = Container()
    c.ParseFromString(body)
    c.DiscardUnknownFields()  # a field the schema does not know would now be missing from the bytes
    assert c.SerializeToString() == body, f"{path}: not protobuf's own encoding of the schema's message"
    return {p.key: (bytes(p.bytes_value), list(p.uint32s_value)) for p in c.pairs}


def read_raw(path: str) -> dict:
    data = open(path, "rb").read()
    (count,), pos, out = struct.unpack_from("<q", data), 8, {}
    for _ in range(count):
        (n,) = struct.unpack_from("<i", data, pos)
        key = data[pos + 4:pos + 4 + n].decode()
        pos += 4 + n
        (n,) = struct.unpack_from("<i", data, pos)
        out[key] = data[pos + 4:pos + 4 + n]
        pos += 4 + n
    assert pos == len(data), f"{path}: bytes after the last entry"
    return out


class Test:
    def __init__(self, cli: str, src: str, tmp: str) -> None:
        self.cli, self.tmp, self.failures = cli, tmp, []
        self.kernel = os.path.join(src, "examples", "user_kernels", "mace_bias_relu", "bias_relu.toml")

    def run(self, *args: str) -> str:
        p = subprocess.run([self.cli, *args], capture_output=True, text=True, cwd=self.tmp)
        if p.returncode != 0:
            raise AssertionError(f"mace_tune {' '.join(args)} failed:\n{p.stdout}{p.stderr}")
        return p.stdout

    def check(self, cond: bool, what: str) -> None:
        if not cond:
            self.failures.append(what)

    def winner_lws(self) -> list[int]:
        """The winner's local size, from our own tuned-parameter file as `inspect --json` shows it."""
        self.run("emit", "--db", "r.db", "--out", "ours")
        doc = json.loads(self.run("inspect", "--json", "ours/mace_tuned_params.bin"))
        entry = next(e for e in doc["entries"] if e["tuning_key"] == KEY)
        params = dict(kv.split("=") for kv in entry["params"].split(","))
        return [int(params[n]) for n in ("LX", "LY", "LZ")]

    def check_files(self, programs: dict, tuned: dict, lws: list[int], raw: bool) -> None:
        layout = "raw" if raw else "protobuf"
        value = (lambda v: v) if raw else (lambda v: v[0])
        info = value(programs.get(PLATFORM_KEY, (b"",))).decode()
        self.check(info.endswith(", " + MACE_VERSION) and info.count(", ") >= 3, f"{layout}: platform info {info!r}")
        self.check(DEVICE_KEY in programs, f"{layout}: no device-name entry")
        binary = value(programs.get(PROGRAM_KEY, (b"",)))
        self.check(len(binary) > 0, f"{layout}: no device binary under {PROGRAM_KEY!r}: {sorted(programs)}")
        digest = value(programs.get("program_hash_ " + PROGRAM_KEY, (b"",))).decode()
        self.check(len(digest) == 64, f"{layout}: program hash entry {digest!r}")
        values = list(struct.unpack("<4I", tuned[MACE_KEY])) if raw else tuned[MACE_KEY][1]
        self.check(values == lws + [0], f"{layout}: {MACE_KEY} = {values}, expected {lws + [0]}")

    def emit(self, layout: str) -> str:
        out = f"mace_{layout}"
        text = self.run("emit", "--db", "r.db", "--out", out, "--format", "mace", "--mace-layout", layout,
                        "--mace-version", MACE_VERSION, "--mace-key", TEMPLATE, "--mace-options", OPTIONS)
        self.check("1 tuning keys: 1 follow MACE's naming" in text, f"emit {layout} says: {text}")
        return out

    def round_trip(self, out: str, params: str) -> None:
        programs = self.run("inspect", f"{out}/mace_cl_compiled_program.bin")
        self.check("program_hash_ " + PROGRAM_KEY in programs and PLATFORM_KEY in programs, f"inspect {out}: {programs}")
        tuned = self.run("inspect", f"{out}/mace_tuned_params.bin")
        self.check(MACE_KEY in tuned, f"inspect {out}: {tuned}")
        shown = self.run("import-mace", f"{out}/mace_tuned_params.bin", "--mace-key", TEMPLATE, "--kernel", self.kernel)
        self.check(f"-> {KEY} {params}" in shown and "1 of 1 entries" in shown, f"import-mace {out}: {shown}")

    def transfer_from_protobuf_file(self, Container) -> None:
        """A MACE file written by protobuf itself: its config is the first after the default."""
        c = Container()
        for key, values in ((MACE_KEY, [3, 2, 1, 0]), ("MACE_OPENCL_QUEUE_WINDOW_SIZE", [0])):
            pair = c.pairs.add(key=key)
            pair.uint32s_value.extend(values)
        body = c.SerializeToString()
        with open(os.path.join(self.tmp, "theirs.bin"), "wb") as f:
            f.write(body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF))
        shown = self.run("import-mace", "theirs.bin", "--mace-key", TEMPLATE, "--kernel", self.kernel)
        self.check("LX=4,LY=2,LZ=1 (moved into the space: LX 3 -> 4)" in shown, f"import-mace theirs.bin: {shown}")
        self.check("MACE_OPENCL_QUEUE_WINDOW_SIZE [0] skipped" in shown, f"import-mace theirs.bin: {shown}")
        self.run("tune", "-q", "--kernel", self.kernel, "--key", KEY, "--db", "p.db", "--strategy", "transfer",
                 "--prior-from", "theirs.bin", "--mace-key", TEMPLATE, "--max-evals", "2")
        db = sqlite3.connect(os.path.join(self.tmp, "p.db"))
        measured = [r[0] for r in db.execute("SELECT c.params FROM measurements m JOIN configs c ON m.config_id = c.id "
                                             "ORDER BY m.id")]
        self.check("LX=4,LY=2,LZ=1" in measured[:2], f"transfer measured {measured}, not the MACE file's config first")


def main() -> int:
    src, cli = (os.path.abspath(a) for a in sys.argv[1:3])
    try:
        Container = kv_classes()
    except ImportError:
        print("SKIP: python3-protobuf is not installed (apt-get install python3-protobuf)")
        return 77
    devices = subprocess.run([cli, "devices", "--json"], capture_output=True, text=True)
    if devices.returncode != 0 or not json.loads(devices.stdout or "{}").get("devices"):
        print("SKIP: no OpenCL device")
        return 77
    with tempfile.TemporaryDirectory(prefix="mace_interop_test_") as tmp:
        t = Test(cli, src, tmp)
        t.run("tune", "-q", "--kernel", t.kernel, "--key", KEY, "--db", "r.db", "--max-evals", "6", "--seed", "3")
        lws = t.winner_lws()
        params = f"LX={lws[0]},LY={lws[1]},LZ={lws[2]}"
        pb, raw = t.emit("protobuf"), t.emit("legacy")
        t.check_files(read_protobuf(f"{tmp}/{pb}/mace_cl_compiled_program.bin", Container),
                      read_protobuf(f"{tmp}/{pb}/mace_tuned_params.bin", Container), lws, raw=False)
        t.check_files(read_raw(f"{tmp}/{raw}/mace_cl_compiled_program.bin"),
                      read_raw(f"{tmp}/{raw}/mace_tuned_params.bin"), lws, raw=True)
        for out in (pb, raw):
            t.round_trip(out, params)
        t.transfer_from_protobuf_file(Container)
    for f in t.failures:
        print("FAIL:", f)
    print("MACE interop ok" if not t.failures else f"{len(t.failures)} failures")
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
