#!/usr/bin/env python3
"""Where a server's time goes while a command runs: every PERIOD seconds, the CPU time each of
the server's threads got (and waited for a core), and which were in uninterruptible sleep (D:
waiting for the disk), from /proc/PID/task/*/{schedstat,stat}. Found the disk stalls behind
session 11's upload change (docs/benchmarks.md).

Usage: bench/lib/timeline.py PID [--period 0.02] -- COMMAND [ARGS...]
Prints one line per period: seconds since the start, the server's CPU milliseconds in it,
the threads in D (by name), then per thread 'name=run+wait' milliseconds; and a summary per
thread at the end. The command's output goes to this script's standard error."""
import os
import subprocess
import sys
import time


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                run, wait, _ = f.read().split()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index('(') + 1:stat.rindex(')')].replace(' ', '_')
        state = stat[stat.rindex(')') + 2]
        threads[tid] = (f'{name}/{tid}', int(run), int(wait), state)
    return threads


def main():
    args = sys.argv[1:]
    if '--' not in args or not args[0].isdigit():
        sys.exit(__doc__)
    pid = int(args[0])
    options = args[:args.index('--')]
    period = float(options[options.index('--period') + 1]) if '--period' in options else 0.02
    command = args[args.index('--') + 1:]
    first = prev = snapshot(pid)
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=sys.stderr)
    while child.poll() is None:
        time.sleep(period)
        now = snapshot(pid)
        busy, cells = 0.0, []
        for tid, (name, run, wait, _) in sorted(now.items()):
            if tid in prev:
                r, w = (run - prev[tid][1]) / 1e6, (wait - prev[tid][2]) / 1e6
                busy += r
                if r >= 1 or w >= 1:
                    cells.append(f'{name}={r:.0f}+{w:.0f}')
        waiting = ','.join(name for name, _, _, state in now.values() if state == 'D')
        print(f'{time.monotonic() - start:7.3f} {busy:4.0f} ms D[{waiting}] {" ".join(cells)}')
        prev = now
    print(f'# {" ".join(command)}: exit {child.returncode}, {time.monotonic() - start:.3f} s')
    for tid, (name, run, wait, _) in sorted(prev.items()):
        run0, wait0 = first[tid][1:3] if tid in first else (0, 0)  # else born meanwhile
        if run - run0 >= 10e6:
            print(f'# {name}: ran {(run - run0) / 1e9:.2f} s, '
                  f'waited for a core {(wait - wait0) / 1e9:.2f} s')
    sys.exit(child.returncode)


if __name__ == '__main__':
    main()
