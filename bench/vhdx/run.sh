#!/bin/sh
# VHDX -> raw as users run it: whole processes, `stowage disk convert --to raw IN OUT` against
# `qemu-img convert -O raw IN OUT`, in alternating pairs (the order flips every pair), each
# process timed from exec to exit (wall, user, system). Prints every value, the medians and
# the ratio median(qemu-img) / median(stowage): above 1 means Stowage is faster.
# Usage: bench/vhdx/run.sh [PAIRS] [WORKDIR]
#   PAIRS    pairs to run (default 9)
#   WORKDIR  where the input and the outputs go (default /dev/shm/vhdx-bench: tmpfs)
# Environment: SKIP_BUILD=1 uses the built distribution; NICE=-10 runs both tools at that
# priority (root; keeps a shared machine's other jobs from dominating the numbers);
# STOWAGE_JAVA_OPTS passes JVM options to bin/stowage (e.g. to compare start-up settings);
# RT=N runs both tools as SCHED_FIFO priority N (root; `chrt -f N`): on a machine busy with
# ordinary jobs this gives numbers close to a quiet machine's (qemu-img 0.94-1.03 s wall against
# 0.95 s quiet, at load 15), where NICE still leaves them shared.
# Needs qemu-utils, a JDK 17, Maven; the input is made once with qemu-img/qemu-io.
set -eu
PAIRS=${1:-9}
WORK=${2:-/dev/shm/vhdx-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STOWAGE="$ROOT/app/target/stowage/bin/stowage"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && mvn -B -q -pl app -am package -DskipTests)
fi
mkdir -p "$WORK"
IMG="$WORK/bench-4g.vhdx"
if [ ! -f "$IMG" ]; then
  # 4 GiB, qemu's default 16 MiB blocks: every other block written (2 GiB of data)
  qemu-img create -q -f vhdx "$IMG" 4G
  CMDS=""
  i=0
  while [ $i -lt 256 ]; do
    CMDS="$CMDS -c 'write -q -P $(( (i % 250) + 1 )) $(( i * 16 ))M 16M'"
    i=$((i + 2))
  done
  eval qemu-io -f vhdx $CMDS "$IMG"
fi
cat "$IMG" > /dev/null # in the page cache, as for every run after the first
TIMES="$WORK/times"
: > "$TIMES"
run() { # tool, then the command
  tool=$1
  shift
  rm -f "$WORK/out-$tool.raw"
  if [ -n "${RT:-}" ]; then
    /usr/bin/time -f "$tool %e %U %S" -a -o "$TIMES" chrt -f "$RT" "$@"
  else
    /usr/bin/time -f "$tool %e %U %S" -a -o "$TIMES" nice -n "${NICE:-0}" "$@"
  fi
}
stowage() { run stowage "$STOWAGE" disk convert --to raw "$IMG" "$WORK/out-stowage.raw"; }
qemu() { run qemu-img qemu-img convert -O raw "$IMG" "$WORK/out-qemu-img.raw"; }
stowage; qemu # warm-up, not counted: the page cache and the disk's first writes
cmp "$WORK/out-stowage.raw" "$WORK/out-qemu-img.raw"
: > "$TIMES"
p=1
while [ $p -le "$PAIRS" ]; do
  if [ $((p % 2)) -eq 1 ]; then stowage; qemu; else qemu; stowage; fi
  p=$((p + 1))
done
cmp "$WORK/out-stowage.raw" "$WORK/out-qemu-img.raw"
rm -f "$WORK/out-stowage.raw" "$WORK/out-qemu-img.raw" # 2 GiB of memory each on tmpfs
echo "input: $(stat -c %s "$IMG") bytes (4 GiB virtual, 2 GiB written), output on $(df --output=fstype "$WORK" | tail -1)," \
  "$(nproc) cores, $(java -version 2>&1 | head -1), $(qemu-img --version | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { n[$1]++; w[$1, n[$1]] = $2; u[$1, n[$1]] = $3; s[$1, n[$1]] = $4; all[$1] = all[$1] " " $2 }
  END {
    for (t in n) {
      for (i = 1; i <= n[t]; i++) { ww[i] = w[t, i]; uu[i] = u[t, i]; ss[i] = s[t, i] }
      mw[t] = median(ww, n[t]); mu = median(uu, n[t]); ms = median(ss, n[t])
      lo = 1e9; hi = 0; for (i = 1; i <= n[t]; i++) { if (w[t, i] < lo) lo = w[t, i]; if (w[t, i] > hi) hi = w[t, i] }
      for (i = 1; i <= n[t]; i++) cc[i] = u[t, i] + s[t, i]
      mc = median(cc, n[t]); mcs[t] = mc
      printf "%-8s median wall %.2f s (range %.2f-%.2f), user %.2f s, sys %.2f s, cpu (user+sys) %.2f s; every wall time:%s\n", t, mw[t], lo, hi, mu, ms, mc, all[t]
    }
    printf "ratio qemu-img/stowage (median wall): %.2fx; (median cpu): %.2fx\n", mw["qemu-img"] / mw["stowage"], mcs["qemu-img"] / mcs["stowage"]
    for (i = 1; i <= n["stowage"]; i++) r[i] = w["qemu-img", i] / w["stowage", i]
    lo = 1e9; hi = 0; for (i = 1; i <= n["stowage"]; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
    printf "pair ratios: range %.2f-%.2fx\n", lo, hi
  }' "$TIMES"
