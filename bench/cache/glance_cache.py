"""Glance's own xattr image-cache driver (Debian python3-glance), driven directly.

Usage:
  /usr/bin/python3 glance_cache.py setup DIR ENTRIES SMALL_BYTES BIG_BYTES
  /usr/bin/python3 glance_cache.py measure DIR ENTRIES SMALL_BYTES READS [noprune]

setup fills DIR through the driver's open_for_write: ENTRIES entries "e00000".. of SMALL_BYTES
each, written oldest first, then "big" of BIG_BYTES. measure, in a fresh process, times:
  list     get_cached_images(), the first call of the process
  list2    the same, a second time
  read     READS times: open_for_read("big"), read it in 64 KiB chunks, close (counts a hit)
  send     READS times: the same, each chunk written to /dev/null (as a server writes a socket)
  read2    read again (a warmed-up process: what a long-running server sees)
  prune100 ImageCache.prune() with image_cache_max_size 100 small entries under the total
           (Glance's pruner: least recently accessed first, until under the maximum)
  prune    then the same down to half the small entries + big (unless "noprune")
and prints one line "name wall-seconds cpu-seconds" per step, then "check ..." facts for the harness.
"""
import os
import sys
import time

from oslo_config import cfg

from glance import image_cache
from glance.image_cache.drivers import xattr  # noqa: F401 (registers nothing; the driver)

CONF = cfg.CONF


def configure(cache_dir, max_size=10 * 1024 ** 3):
    CONF([], project="glance")
    CONF.set_override("image_cache_dir", cache_dir)
    CONF.set_override("image_cache_driver", "xattr")
    CONF.set_override("image_cache_max_size", max_size)
    return image_cache.ImageCache()


def setup(cache_dir, entries, small, big):
    cache = configure(cache_dir)
    driver = cache.driver
    block = os.urandom(max(small, 1))
    for i in range(entries):
        with driver.open_for_write("e%05d" % i) as f:
            f.write(block[:small])
    with driver.open_for_write("big") as f:
        f.write(os.urandom(big))


def clock():
    return time.perf_counter(), time.process_time()


def since(start):
    """(wall seconds, process CPU seconds) since start."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def measure(cache_dir, entries, small, reads, prune):
    big = os.path.getsize(os.path.join(cache_dir, "big"))
    max_size = (entries // 2) * small + big
    cache = configure(cache_dir)
    driver = cache.driver

    def prune_to(limit):
        CONF.set_override("image_cache_max_size", limit)
        return cache.prune()
    out = []
    t = clock()
    listed = driver.get_cached_images()
    out.append(("list", since(t)))
    t = clock()
    driver.get_cached_images()
    out.append(("list2", since(t)))
    t = clock()
    total = 0
    for _ in range(reads):
        with driver.open_for_read("big") as f:
            while True:
                chunk = f.read(65536)
                if not chunk:
                    break
                total += len(chunk)
    out.append(("read", since(t)))
    # The same reads delivered to a file descriptor, as Glance's WSGI loop writes each chunk to
    # the client's socket; /dev/null here.
    sink = os.open(os.devnull, os.O_WRONLY)
    t = clock()
    for _ in range(reads):
        with driver.open_for_read("big") as f:
            while True:
                chunk = f.read(65536)
                if not chunk:
                    break
                os.write(sink, chunk)
    out.append(("send", since(t)))
    os.close(sink)
    t = clock()
    for _ in range(reads):
        with driver.open_for_read("big") as f:
            while True:
                chunk = f.read(65536)
                if not chunk:
                    break
    out.append(("read2", since(t)))
    # Glance's pruner scans the whole folder for every entry it removes; "prune100" removes the
    # 100 least recently accessed entries (the same work on both sides), "prune" prunes to half.
    cache_size = sum(e["size"] for e in listed)
    t = clock()
    pruned, _ = prune_to(cache_size - 100 * small)
    out.append(("prune100", since(t)))
    if prune:
        t = clock()
        more, _ = prune_to(max_size)
        pruned += more
        out.append(("prune", since(t)))
    for name, (wall, cpu) in out:
        print("%s %.6f %.6f" % (name, wall, cpu))
    print("check listed=%d bytes_read=%d pruned=%d left=%d hits=%s" % (
        len(listed), total, pruned, len(driver.get_cached_images()), driver.get_hit_count("big")))


if __name__ == "__main__":
    mode, cache_dir = sys.argv[1], sys.argv[2]
    if mode == "setup":
        setup(cache_dir, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        measure(cache_dir, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
                len(sys.argv) <= 6 or sys.argv[6] != "noprune")
