"""One timed glance_store filesystem Store.add of INPUT into DATADIR (md5 + sha512).

Usage: /usr/bin/python3 glance_add.py INPUT DATADIR [fsync]
With "fsync", the file and its folder are fsynced after add returns (inside the timing), to
compare with a durable add. Prints "seconds size md5 sha512 cpu-seconds".
"""
import os
import sys
import time

from oslo_config import cfg
import glance_store
from glance_store._drivers import filesystem


def main():
    src, datadir = sys.argv[1], sys.argv[2]
    durable = len(sys.argv) > 3 and sys.argv[3] == "fsync"
    conf = cfg.ConfigOpts()
    glance_store.register_opts(conf)
    conf([], project="glance")
    conf.set_override("filesystem_store_datadir", datadir, group="glance_store")
    store = filesystem.Store(conf)
    store.configure()
    size = os.path.getsize(src)
    with open(src, "rb") as f:
        start = time.perf_counter()
        cpu_start = time.process_time()
        loc, written, md5, sha512, _ = store.add("image", f, size, "sha512")
        if durable:
            path = os.path.join(datadir, "image")
            fd = os.open(path, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
            dfd = os.open(datadir, os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    print("%.3f %d %s %s %.3f" % (seconds, written, md5, sha512, cpu))


if __name__ == "__main__":
    main()
