#!/usr/bin/env bash
# `stowage put` of a 1 GiB file against glance_store's add, both as whole processes (start-up
# included), md5 + sha512, input and output on tmpfs, alternating within each round.
#   glance      /usr/bin/python3 bench/filesystem/glance_add.py IN DIR  (imports + Store.add)
#   stowage     DIST/bin/stowage put --config CFG IN --json             (the distribution)
#   <name>      more distributions to compare: VARIANTS="before=/path/to/dist ..."
# Prints, per variant, the median wall and CPU (user+sys) time with every value, and the
# ratios glance/stowage. Usage: bench/put/run.sh [rounds]   (WORK=/dev/shm/... tmpfs folder;
# DIST=app/target/stowage by default; STOWAGE_JAVA_OPTS passes through; RT=N runs both as
# SCHED_FIFO priority N with `chrt -f N` (root): on a machine busy with ordinary jobs, numbers
# close to a quiet machine's)
set -euo pipefail
ROUNDS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/dev/shm/stowage-put-bench}
DIST=${DIST:-$ROOT/app/target/stowage}
PY=/usr/bin/python3
RUN=()
[ -n "${RT:-}" ] && RUN=(chrt -f "$RT")
mkdir -p "$WORK"
[ "$(stat -f -c %T "$WORK")" = tmpfs ] || echo "warning: $WORK is not on tmpfs" >&2

INPUT="$WORK/input.bin"
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  head -c 1G /dev/urandom > "$INPUT"
fi
declare -A DISTS=([stowage]="$DIST")
ORDER=(glance stowage)
for v in ${VARIANTS:-}; do DISTS[${v%%=*}]=${v#*=}; ORDER+=("${v%%=*}"); done
for name in "${!DISTS[@]}"; do
  cat > "$WORK/$name.yaml" <<YAML
plugins: { dir: ${DISTS[$name]}/plugins }
default_store: bench
stores:
  bench: { type: filesystem, datadir: $WORK/out-$name, durable: false }
YAML
done
RESULTS="$WORK/results.txt"
: > "$RESULTS"

# One run: "wall cpu md5 sha512".
run() {
  local variant=$1 t="$WORK/time.txt" out
  rm -rf "$WORK"/out-*
  if [ "$variant" = glance ]; then
    out=$("${RUN[@]}" /usr/bin/time -o "$t" -f "%e %U %S" $PY "$ROOT/bench/filesystem/glance_add.py" "$INPUT" "$WORK/out-glance")
    set -- $out
    local md5=$3 sha=$4
  else
    out=$("${RUN[@]}" /usr/bin/time -o "$t" -f "%e %U %S" "${DISTS[$variant]}/bin/stowage" put --config "$WORK/$variant.yaml" "$INPUT" --json)
    local md5 sha
    md5=$(printf '%s' "$out" | $PY -c 'import json,sys; print(json.load(sys.stdin)["checksum"])')
    sha=$(printf '%s' "$out" | $PY -c 'import json,sys; print(json.load(sys.stdin)["multihash"]["value"])')
  fi
  read -r wall user sys < "$t"
  echo "$wall $(echo "$user + $sys" | bc) $md5 $sha"
}

cat "$INPUT" > /dev/null
for round in $(seq "$ROUNDS"); do
  # Rotate the order, so no variant always runs first.
  for i in "${!ORDER[@]}"; do
    variant=${ORDER[$(( (i + round) % ${#ORDER[@]} ))]}
    echo "$round $variant $(run "$variant")" | tee -a "$RESULTS"
  done
done
rm -rf "$WORK"/out-*

$PY - "$RESULTS" <<'PY'
import statistics, sys
wall, cpu, digests = {}, {}, set()
for line in open(sys.argv[1]):
    r, v, w, c, md5, sha = line.split()
    wall.setdefault(v, []).append(float(w)); cpu.setdefault(v, []).append(float(c))
    digests.add((md5, sha))
assert len(digests) == 1, "the variants disagree on the digests: %s" % digests
med = lambda xs: statistics.median(xs)
for v in wall:
    print("%-10s wall median %5.2f s (%s)   cpu median %5.2f s (%s)" % (v, med(wall[v]),
          " ".join("%.2f" % x for x in wall[v]), med(cpu[v]), " ".join("%.2f" % x for x in cpu[v])))
for v in wall:
    if v != "glance":
        print("glance / %-10s wall %.2fx   cpu %.2fx" % (v, med(wall["glance"]) / med(wall[v]),
              med(cpu["glance"]) / med(cpu[v])))
PY
