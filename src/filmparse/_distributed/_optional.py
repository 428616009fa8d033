"""The optional dependencies, imported when first needed, with an error that
names the extra to install when they are missing."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra."""


def require(module: str, extra: str = "dask") -> ModuleType:
    """Import `module`, or raise MissingExtraError naming ``filmparse[extra]``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"this needs {module.split('.')[0]}, which is not installed: "
            f"pip install 'filmparse[{extra}]'"
        ) from exc


# fsspec's protocols whose implementation is one of our extras.
_EXTRA_OF_PROTOCOL = {"s3": "s3", "s3a": "s3"}


def url_to_fs(url: str, storage_options: dict[str, Any] | None) -> tuple[Any, str]:
    """fsspec's (file system, path) for `url`; a missing backend names its extra."""
    fsspec_core = require("fsspec.core")
    try:
        fs, path = fsspec_core.url_to_fs(url, **(storage_options or {}))
    except ImportError as exc:
        protocol = url.split("://", 1)[0] if "://" in url else "file"
        extra = _EXTRA_OF_PROTOCOL.get(protocol)
        hint = f"pip install 'filmparse[{extra}]'" if extra else str(exc)
        raise MissingExtraError(f"{url}: no file system for {protocol}:// here: {hint}") from exc
    return fs, str(path)
