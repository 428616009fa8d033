"""Fixtures of the Dask tests, loaded with ``pytest_plugins = ["conftest_dask"]``:
a moto S3 server on loopback and a two-process LocalCluster that reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dask_support import CREDENTIALS, S3


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    """A real S3 endpoint (moto in server mode) on 127.0.0.1, reached over HTTP.

    The endpoint and fake credentials go into the environment before any
    cluster starts, so worker processes inherit them, as on a real cluster."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", endpoint)
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
        try:
            yield S3(endpoint, s3fs.S3FileSystem())
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()


@pytest.fixture(scope="module")
def client(s3: S3) -> Iterator[Any]:
    """A client of a real cluster: two worker processes, one thread each, on 127.0.0.1."""
    import distributed

    # distributed's constructors are untyped: reached through Any
    lib: Any = distributed
    with (
        lib.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        lib.Client(cluster) as connected,
    ):
        yield connected
