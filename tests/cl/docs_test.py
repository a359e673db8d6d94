#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The documents' commands, run as written: every ```sh block of README.md and docs/*.md, from a
copy of the repository root (a folder of links to its files, with `build` the build tree under
test), in document order, one folder per document, so that a block can use what an earlier one
made. A block that cannot run here is marked by the line just above it,
`*Not run by the docs test: REASON.*`, which a reader sees too. Also checked: a block that holds
commands is marked ```sh (so none escapes the test), and every relative link stays inside the
repository.

  docs_test.py SOURCE_DIR BUILD_DIR [DOC...]
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from typing import List, NamedTuple, Optional

NOT_RUN = re.compile(r"^\*Not run by the docs test: (.+)\.\*$")
FENCE = re.compile(r"^```(\S*)\s*$")
# First words of lines that are commands, in a block that is not marked ```sh.
COMMANDS = ("build/", "mace_tune ", "mace_bench ", "scripts/", "cmake ", "sudo ", "apt", "adb ", "sqlite3 ",
            "/usr/bin/python3 ", "python3 ", "cc ", "gcc ", "export ", "cp ")
LINK = re.compile(r"\]\(([^)\s]+)\)")
BLOCK_TIMEOUT_S = 600


class Block(NamedTuple):
    doc: str
    line: int
    info: str
    text: str
    not_run: Optional[str]


def blocks(root: str, doc: str) -> List[Block]:
    lines = open(os.path.join(root, doc), encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        before = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = NOT_RUN.match(before)
        out.append(Block(doc, start + 1, m.group(1), "\n".join(body), marker.group(1) if marker else None))
        i += 1
    return out


def lint(root: str, doc: str, found: List[Block]) -> List[str]:
    errors = []
    for b in found:
        if b.info == "":  # unlabeled: a synopsis or layout says ```text
            for line in b.text.split("\n"):
                if line.strip().startswith(COMMANDS):
                    errors.append(f"{doc}:{b.line}: commands in a block not marked ```sh: {line.strip()!r}")
                    break
        elif b.not_run is not None and not b.not_run.strip():
            errors.append(f"{doc}:{b.line}: not run, but no reason given")
    text = open(os.path.join(root, doc), encoding="utf-8").read()
    if "../shared" in text or "/work/" in text:
        errors.append(f"{doc}: points outside the repository (../shared or /work/)")
    for target in LINK.findall(text):
        if re.match(r"^(https?:|mailto:|#)", target):
            continue
        path = os.path.normpath(os.path.join(root, os.path.dirname(doc), target.split("#")[0]))
        if not path.startswith(os.path.normpath(root) + os.sep) or not os.path.exists(path):
            errors.append(f"{doc}: link {target} is not a file of the repository")
    return errors


def shadow_root(root: str, build: str, where: str) -> str:
    """A folder that looks like the repository root: links to its entries, `build` the tree under test."""
    os.makedirs(where)
    for name in os.listdir(root):
        if name == ".git" or name.startswith("build"):
            continue
        os.symlink(os.path.join(root, name), os.path.join(where, name))
    os.symlink(os.path.abspath(build), os.path.join(where, "build"))
    return where


def main() -> int:
    root, build = os.path.abspath(sys.argv[1]), sys.argv[2]
    docs = sys.argv[3:] or ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(root, "docs"))
                                                  if f.endswith(".md"))
    work = tempfile.mkdtemp(prefix="docs_test_")
    errors: List[str] = []
    ran = skipped = 0
    for doc in docs:
        found = blocks(root, doc)
        errors += lint(root, doc, found)
        runnable = [b for b in found if b.info == "sh"]
        if not runnable:
            continue
        here = shadow_root(root, build, os.path.join(work, doc.replace("/", "_")))
        for b in runnable:
            if b.not_run is not None:
                print(f"not run  {doc}:{b.line}: {b.not_run}")
                skipped += 1
                continue
            start = time.time()
            try:
                p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", b.text], cwd=here, capture_output=True,
                                   text=True, timeout=BLOCK_TIMEOUT_S)
                rc, out = p.returncode, p.stdout + p.stderr
            except subprocess.TimeoutExpired as e:
                rc, out = -1, f"timed out after {BLOCK_TIMEOUT_S} s\n{e.stdout or ''}{e.stderr or ''}"
            ran += 1
            status = "ok" if rc == 0 else f"FAILED (exit {rc})"
            print(f"{status:8} {doc}:{b.line} ({time.time() - start:.1f} s)")
            if rc != 0:
                tail = "\n".join(out.rstrip().split("\n")[-25:])
                errors.append(f"{doc}:{b.line}: exit {rc}\n--- block\n{b.text}\n--- output (last lines)\n{tail}")
    for e in errors:
        print("FAIL:", e)
    print(f"docs test: {ran} blocks run, {skipped} marked not run, {len(errors)} problems (in {work})")
    if not errors:
        subprocess.run(["rm", "-rf", work])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
