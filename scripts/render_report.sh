#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders a mace_tune report (report.html) to a PNG with headless Chromium, to look at it as a
# person would (plots readable, labels present, nothing cut off). Needs Debian's `chromium`
# (apt-get install chromium); it is not part of scripts/setup.sh.
#
#   scripts/render_report.sh REPORT.html [OUT.png] [WIDTH]
# OUT.png defaults to REPORT.png next to the HTML; WIDTH (CSS pixels) to 1150. The page height is
# measured first so the whole page is captured in one image.
set -euo pipefail

html=${1:?usage: render_report.sh REPORT.html [OUT.png] [WIDTH]}
out=${2:-${html%.html}.png}
width=${3:-1150}
py=$(command -v /usr/bin/python3 || command -v python3)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "render_report.sh: no chromium found: apt-get install chromium" >&2
  exit 77
fi
[[ -f "$html" ]] || { echo "render_report.sh: $html: no such file" >&2; exit 1; }
url="file://$(realpath "$html")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile"
       --no-first-run --disable-extensions --force-device-scale-factor=1)

# Height of the laid-out page: dump the DOM after a script writes scrollHeight into the title.
height=$(timeout 60 "$browser" "${flags[@]}" --virtual-time-budget=5000 --window-size="$width,1000" \
           --run-all-compositor-stages-before-draw --dump-dom "$url" 2>/dev/null |
         "$py" -c '
import re, sys
html = sys.stdin.read()
# Estimate when the page cannot tell: tables rows and figures.
m = re.search(r"data-height=\"(\d+)\"", html)
print(m.group(1) if m else "")' || true)
if [[ -z "$height" ]]; then
  height=$("$py" - "$html" "$width" <<'EOF'
import base64, re, struct, sys
html = open(sys.argv[1], encoding="utf-8").read()
width = int(sys.argv[2])
col = min(width - 48, 1100)  # the page's max-width column
h = 200
for b64 in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html):
    png = base64.b64decode(b64[:64] + "=" * (-len(b64[:64]) % 4))
    w, hh = struct.unpack(">II", png[16:24])
    h += int(hh * min(1.0, col / w)) + 60
h += 24 * html.count("<tr>") + 40 * html.count("<h2") + 30 * html.count("<h3") + 40 * html.count("<p>")
print(h)
EOF
)
fi
timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=5000 --window-size="$width,$height" \
  --screenshot="$(realpath -m "$out")" "$url" >/dev/null 2>&1
[[ -s "$out" ]] || { echo "render_report.sh: chromium wrote no screenshot" >&2; exit 1; }
# A 256-colour palette keeps an example small enough to commit; skipped without Pillow.
"$py" -c 'import sys; from PIL import Image
im = Image.open(sys.argv[1]); im.convert("RGB").quantize(colors=256).save(sys.argv[1], optimize=True)' "$out" 2>/dev/null || true
echo "$out (${width}x${height})"
