#!/usr/bin/env bash
# Image cache driver, side by side, one folder per variant on the same ext4 disk:
#   glance    glance.image_cache.drivers.xattr (Debian python3-glance 25.1), bench/cache/glance_cache.py
#   stowage   store-cache-xattr through the CacheDriver SPI, bench/cache/CacheBench.java
# Each round, for each variant (order alternating): a fresh folder is filled with ENTRIES small
# entries and one 1 MiB entry (not timed), then a fresh process times: list (its first call),
# list2 (a second call), read (READS cache-hit reads of the 1 MiB entry into memory), send (the
# same reads delivered to /dev/null: Glance writes each chunk, Stowage transferTo), read2 (read
# again, warmed up), prune100 (the
# 100 least recently accessed entries, as Glance's pruner does: LRU first until under a maximum),
# prune (on to half the small entries).
# Usage: bench/cache/run.sh [rounds]   (WORK=/var/tmp/... ENTRIES=10000 SMALL=1024 READS=1000
#        PRUNE_ROUNDS=rounds)
set -euo pipefail
ROUNDS=${1:-5}
WORK=${WORK:-/var/tmp/stowage-cache-bench}
ENTRIES=${ENTRIES:-10000}
SMALL=${SMALL:-1024}
BIG=1048576
READS=${READS:-1000}
# Glance's pruner scans the whole folder once per entry it removes: pruning 10,000 entries to
# half takes it many minutes (over an hour on a loaded machine). Every round times prune100 (the
# 100 least recently accessed entries); Stowage then prunes to half in every round, Glance only
# in the first PRUNE_ROUNDS rounds.
PRUNE_ROUNDS=${PRUNE_ROUNDS:-$ROUNDS}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
M2=${M2:-$(sed -n 's/.*-Dmaven.repo.local=\([^ ]*\).*/\1/p' "$ROOT/.mvn/maven.config" 2>/dev/null || true)}
M2=${M2:-$HOME/.m2/repository}
PY=/usr/bin/python3

mvn -q -o -f "$ROOT/pom.xml" -pl store-cache-xattr -am package -DskipTests
rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
cp -r "$ROOT/store-api/target/classes/." "$ROOT/store-cache-xattr/target/classes/." "$WORK/classes/"
CP="$WORK/classes:$M2/org/pf4j/pf4j/3.13.0/pf4j-3.13.0.jar:$M2/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar:$M2/org/slf4j/slf4j-nop/2.0.16/slf4j-nop-2.0.16.jar"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$HERE/CacheBench.java"
RESULTS="$WORK/results.txt"
: > "$RESULTS"

run() {
  local variant=$1 prune=$2 dir="$WORK/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  case $variant in
    glance)
      $PY "$HERE/glance_cache.py" setup "$dir" "$ENTRIES" "$SMALL" "$BIG"
      sync
      $PY "$HERE/glance_cache.py" measure "$dir" "$ENTRIES" "$SMALL" "$READS" $prune ;;
    stowage)
      java -cp "$CP" CacheBench setup "$dir" "$ENTRIES" "$SMALL" "$BIG"
      sync
      java -cp "$CP" CacheBench measure "$dir" "$ENTRIES" "$SMALL" "$READS" $prune ;;
  esac
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="glance stowage"; else order="stowage glance"; fi
  for variant in $order; do
    prune=""; [ "$variant" = stowage ] || [ "$round" -le "$PRUNE_ROUNDS" ] || prune=noprune
    run "$variant" "$prune" | while read -r name wall rest; do
      if [ "$name" = check ]; then
        echo "round $round $variant $wall $rest" | tee -a "$WORK/checks.txt" >&2
      else
        echo "$round $variant $name $wall $rest" | tee -a "$RESULTS"
      fi
    done
  done
done

# Medians with every value, and the ratio glance/stowage.
$PY - "$RESULTS" <<'PY'
import statistics, sys, collections
values = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, variant, name, wall, cpu = line.split()
    values[(variant, name, "wall")].append(float(wall))
    values[(variant, name, "cpu")].append(float(cpu))
fmt = lambda xs: ", ".join("%.4f" % x for x in xs)
print("| step | measure | glance: median (values) | stowage: median (values) | glance/stowage |")
print("|---|---|---|---|---|")
for name in ["list", "list2", "read", "send", "read2", "prune100", "prune"]:
    for kind in ["wall", "cpu"]:
        g, s = values[("glance", name, kind)], values[("stowage", name, kind)]
        if not g or not s:
            continue
        mg, ms = statistics.median(g), statistics.median(s)
        print("| %s | %s s | %.4f (%s) | %.4f (%s) | %.1f× |" % (name, kind, mg, fmt(g), ms, fmt(s), mg / max(ms, 1e-9)))
PY
