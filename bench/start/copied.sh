#!/usr/bin/env bash
# A one-shot command's start, for the distribution where it was built and for a copy of it:
# `stowage disk convert --to raw` of a 64 MiB VHDX (16 MiB written) onto tmpfs, whole processes,
# alternating, every value printed. Variants:
#   in-place   app/target/stowage, mapping lib/stowage.jsa (made by the build)
#   copy       a copy elsewhere: bin/stowage maps the archive it made on its first command in
#              $XDG_CACHE_HOME/stowage (made before the timed runs)
#   copy-off   the same copy with STOWAGE_CDS=off: what every copy got before that (the JVM
#              ignored lib/stowage.jsa there, whose jar paths it checks)
# Usage: bench/start/copied.sh [rounds]   (WORK=/dev/shm/stowage-start by default)
set -euo pipefail
ROUNDS=${1:-7}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-/dev/shm/stowage-start}
rm -rf "$WORK"; mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
cp -a "$ROOT/app/target/stowage" "$WORK/copy"
export XDG_CACHE_HOME="$WORK/cache"
qemu-img create -q -f vhdx "$WORK/in.vhdx" 64M
qemu-io -f vhdx -c 'write -q -P 7 0 16M' "$WORK/in.vhdx"
qemu-img convert -O raw "$WORK/in.vhdx" "$WORK/expected.raw"
"$WORK/copy/bin/stowage" --version > /dev/null   # the copy makes its archive (untimed)
ls "$WORK/cache/stowage/"cds-*.jsa > /dev/null
run() { # variant → "wall user sys"
  local bin=$ROOT/app/target/stowage/bin/stowage env=
  case $1 in copy) bin=$WORK/copy/bin/stowage ;; copy-off) bin=$WORK/copy/bin/stowage; env=off ;; esac
  rm -f "$WORK/out.raw"
  STOWAGE_CDS=$env /usr/bin/time -f '%e %U %S' -o "$WORK/t" "$bin" disk convert --to raw "$WORK/in.vhdx" "$WORK/out.raw"
  cmp -s "$WORK/out.raw" "$WORK/expected.raw" || { echo "$1: output differs" >&2; exit 1; }
  cat "$WORK/t"
}
VARIANTS=(in-place copy copy-off)
declare -A WALL CPU
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then order=("${VARIANTS[@]}"); else order=(copy-off copy in-place); fi
  for v in "${order[@]}"; do
    read -r w u s < <(run "$v")
    WALL[$v]="${WALL[$v]:-} $w"; CPU[$v]="${CPU[$v]:-} $(echo "$u + $s" | bc)"
  done
done
for v in "${VARIANTS[@]}"; do
  /usr/bin/python3 - "$v" "${WALL[$v]}" "${CPU[$v]}" <<'EOP'
import sys, statistics
v, w, c = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
print(f"| {v} | {statistics.median(w):.2f} s | {' '.join(f'{x:.2f}' for x in w)} | {statistics.median(c):.2f} s | {' '.join(f'{x:.2f}' for x in c)} |")
EOP
done
