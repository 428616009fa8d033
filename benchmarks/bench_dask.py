"""filmparse.dask: pages/s on a local two-worker cluster against `convert -j 2`,
and the client's memory listing a large S3 prefix.

Run by hand:  .venv/bin/python benchmarks/bench_dask.py [--pages 20000] [--objects 10000 100000]

1. Speed: the same N generated pages (bench_batch's generator) converted to
   JSONL by `filmparse convert DIR --jsonl FILE -j 2` (a subprocess) and by
   `filmparse.dask.convert(DIR, jsonl=FOLDER)` on a LocalCluster of two
   worker processes of one thread each (started beforehand: its ~2 s start-up
   is shown apart), alternating, --repeat times each: the fastest is shown;
   and the command itself, `filmparse convert DIR --scheduler local -j 2
   --jsonl FOLDER` (its cluster's start-up included).  The workers run with
   `distributed.worker.profile.enabled=False`, as `--scheduler local` does.
   Target: the cluster within 15% of -j 2.
2. Client memory: a moto S3 server (its own process) holds K empty objects
   under one prefix; a fresh client process lists them the way `convert`
   does (streamed, cut into partitions) and, for comparison, with
   `fs.find` (every key at once), and reports its peak RSS.  Target: the
   streamed listing flat in K.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import filmparse.dask
from bench_batch import generate

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}

LISTER = """
import resource, sys
import fsspec
from filmparse._distributed._listing import list_pages, partitions
url, how = sys.argv[1], sys.argv[2]
if how == "streamed":
    count = sum(len(part.names) for part in partitions(list_pages([url], "*"), 200))
else:
    fs, path = fsspec.core.url_to_fs(url)
    count = len(fs.find(path))
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def speed(count: int, scratch: Path, repeat: int) -> None:
    pages = scratch / "pages"
    generate(pages, count)
    command = [sys.executable, "-m", "filmparse", "convert", str(pages), "--jsonl",
               str(scratch / "one.jsonl"), "-j", "2", "-q"]  # fmt: skip
    on_cli = [sys.executable, "-m", "filmparse", "convert", str(pages), "--scheduler", "local",
              "-j", "2", "--jsonl", str(scratch / "cli-parts"), "-q"]  # fmt: skip
    import dask
    import distributed

    lib: Any = distributed  # untyped constructors
    start = time.perf_counter()
    ones, clusters, clis = [], [], []
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        lib.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=":0") as cluster,
        lib.Client(cluster) as client,
    ):  # fmt: skip
        started = time.perf_counter() - start
        for _ in range(repeat):  # alternating, so that a busy spell hits both alike
            start = time.perf_counter()
            subprocess.run(command, check=True)
            ones.append(time.perf_counter() - start)
            shutil.rmtree(scratch / "parts", ignore_errors=True)
            start = time.perf_counter()
            parts = str(scratch / "parts")
            summary = filmparse.dask.convert(str(pages), jsonl=parts, client=client)
            clusters.append(time.perf_counter() - start)
            assert summary.ok == count, summary
            shutil.rmtree(scratch / "cli-parts", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(on_cli, check=True)
            clis.append(time.perf_counter() - start)
    one, on_cluster, cli = min(ones), min(clusters), min(clis)
    print(f"pages: {count} (fastest of {repeat} alternating runs)")
    print(f"  convert -j 2          {one:8.2f} s {count / one:8.0f} pages/s")
    print(f"  dask, 2 workers       {on_cluster:8.2f} s {count / on_cluster:8.0f} pages/s  "
          f"({on_cluster / one - 1:+.0%} time; start-up {started:.1f} s apart)")  # fmt: skip
    print(f"  --scheduler local -j 2 {cli:7.2f} s {count / cli:8.0f} pages/s  "
          f"({cli / one - 1:+.0%} time, its cluster's start-up included)")  # fmt: skip
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    shutil.rmtree(pages)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def listing_memory(counts: list[int]) -> None:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        os.environ.update(CREDENTIALS, AWS_ENDPOINT_URL=endpoint)
        import s3fs

        fs = s3fs.S3FileSystem()
        for _ in range(100):
            try:
                fs.mkdir("bench")
                break
            except OSError:
                time.sleep(0.1)  # the server is starting
        print(f"{'objects':>8} {'streamed: peak RSS MB':>22} {'fs.find: peak RSS MB':>21}")
        held = 0
        for count in sorted(counts):
            step = 5000
            for first in range(held, count, step):
                numbers = range(first, min(count, first + step))
                fs.pipe({f"bench/keys/page-{n:08d}.txt": b"" for n in numbers})
            held = count
            peaks = []
            for how in ("streamed", "find"):
                out = subprocess.run(
                    [sys.executable, "-c", LISTER, "s3://bench/keys/", how],
                    check=True, capture_output=True, text=True, env=env,
                ).stdout.split()  # fmt: skip
                assert int(out[0]) == count, out
                peaks.append(int(out[1]) / 1024)
            print(f"{count:8d} {peaks[0]:22.0f} {peaks[1]:21.0f}", flush=True)
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (fastest kept)")
    parser.add_argument("--objects", type=int, nargs="*", default=[10000, 100000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as scratch:
        if args.pages:
            speed(args.pages, Path(scratch), args.repeat)
    if args.objects:
        listing_memory(args.objects)


if __name__ == "__main__":
    main()
