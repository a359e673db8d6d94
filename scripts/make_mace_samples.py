#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes sample files in MACE's two key/value layouts, for `mace_tune inspect` tests and the
fuzz corpus. Made by this generator from the documented layouts (docs/formats.md "MACE's
files"), not taken from a phone: the device binaries are fake (an ELF header and filler).

    scripts/make_mace_samples.py OUT_DIR
"""
import struct
import sys
import zlib
from pathlib import Path
from typing import List, Tuple

PLATFORM_KEY = "mace_opencl_precompiled_platform_info_key"
PLATFORM = b"QUALCOMM Adreno(TM) OpenCL 2.0 Adreno(TM) 640 OpenCL C 2.0 Adreno(TM) 640"

PROGRAMS: List[Tuple[str, bytes]] = [
    (PLATFORM_KEY, PLATFORM),
    ("conv_2d_1x1 -DCMD_DATA_TYPE=f -DDATA_TYPE=float -DUSE_RELU", b""),
    ("depthwise_conv2d -DCMD_DATA_TYPE=f -DDATA_TYPE=float -DUSE_RELU6", b""),
    ("pooling -DCMD_DATA_TYPE=f -DDATA_TYPE=float -DPOOL_TYPE=1", b""),
]

TUNED: List[Tuple[str, List[int]]] = [
    ("Conv2d1x1OpenclKernel1_56_56_24_144", [8, 16, 4, 1]),
    ("DepthwiseConv2dOpenclKernel1_56_56_144", [4, 28, 8, 1]),
    ("PoolingOpenclKernel1_7_7_1280", [1, 7, 32, 0]),
]


def fake_binary(name: str) -> bytes:
    """An ELF magic and deterministic filler, a few hundred bytes."""
    filler = bytes((i * 31 + len(name)) & 0xFF for i in range(240 + 16 * len(name) % 200))
    return b"\x7fELF\x02\x01\x01\x00" + filler


def program_pairs() -> List[Tuple[str, bytes]]:
    return [(k, v if v else fake_binary(k)) for k, v in PROGRAMS]


def tuned_pairs() -> List[Tuple[str, bytes]]:
    return [(k, struct.pack("<%dI" % len(v), *v)) for k, v in TUNED]


def raw_layout(pairs: List[Tuple[str, bytes]]) -> bytes:
    """i64 count, then per pair: i32 key size, key, i32 value size, value (little-endian)."""
    out = struct.pack("<q", len(pairs))
    for key, value in pairs:
        k = key.encode()
        out += struct.pack("<i", len(k)) + k + struct.pack("<i", len(value)) + value
    return out


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def protobuf_layout(pairs: List[Tuple[str, bytes]], uint32s: bool) -> bytes:
    """Container { repeated KVPair pairs = 1 } with KVPair { key = 1; value = 2; packed
    uint32 values = 3 }, then the CRC32 (zlib) of the message, little-endian."""
    message = b""
    for key, value in pairs:
        pair = field(1, key.encode())
        if uint32s:
            values = struct.unpack("<%dI" % (len(value) // 4), value)
            pair += field(3, b"".join(varint(v) for v in values))
        else:
            pair += field(2, value)
        message += field(1, pair)
    return message + struct.pack("<I", zlib.crc32(message) & 0xFFFFFFFF)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "mace_cl_compiled_program_raw.bin": raw_layout(program_pairs()),
        "mace_cl_compiled_program_pb.bin": protobuf_layout(program_pairs(), uint32s=False),
        "mace_tuned_params_raw.bin": raw_layout(tuned_pairs()),
        "mace_tuned_params_pb.bin": protobuf_layout(tuned_pairs(), uint32s=True),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"{out / name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
