"""Saving and loading models as ``.npz`` files: atomic writes, no pickles, clear errors."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Mapping

import numpy as np

__all__ = ["ModelFileError", "save_arrays", "load_arrays"]

FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A model file is missing, corrupt, of the wrong kind, or has wrong shapes."""


def save_arrays(path: str | os.PathLike, kind: str, arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``arrays`` plus a kind tag to ``path`` atomically.

    The data go to a temporary file in the same folder, which is flushed,
    synced and then renamed over ``path``; an interrupted save never leaves a
    half-written model behind. A ``.npz`` suffix is added if missing.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {name: np.asarray(value) for name, value in arrays.items()}
    payload["kind"] = np.array(kind)
    payload["format_version"] = np.array(FORMAT_VERSION)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def load_arrays(path: str | os.PathLike, kind: str, shapes: Mapping[str, tuple[str, ...]],
                optional: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, np.ndarray]:
    """Read a file written by :func:`save_arrays` and check it.

    Parameters
    ----------
    path : path-like
    kind : str
        The expected kind tag (for example ``"RBM"``).
    shapes : mapping of array name to a tuple of dimension names
        Every named array must be present, float64-compatible and have one
        axis per dimension name; a dimension name must have the same length
        wherever it appears.

    Raises
    ------
    ModelFileError
        With a message that says what is wrong with the file.
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path} is corrupt or truncated (not an .npz archive)")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except ValueError as err:
        if "pickle" in str(err):
            raise ModelFileError(f"{path} contains pickled objects, which are never loaded") from None
        raise ModelFileError(f"{path} is not a readable model file: {err}") from None
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as err:
        raise ModelFileError(f"{path} is corrupt or truncated ({type(err).__name__}: {err})") from None
    found_kind = str(arrays.get("kind", "")) if "kind" in arrays else None
    if found_kind != kind:
        raise ModelFileError(f"{path} holds a {found_kind or 'file without a kind tag'}, expected a {kind}")
    sizes: dict[str, int] = {}
    out = {}
    wanted = {**shapes, **{k: v for k, v in (optional or {}).items() if k in arrays}}
    for name, dims in wanted.items():
        if name not in arrays:
            raise ModelFileError(f"{path} has no array {name!r}")
        array = arrays[name]
        if array.dtype.kind not in "biuf" or array.ndim != len(dims):
            raise ModelFileError(
                f"{path}: {name} must be a real array with {len(dims)} axes ({', '.join(dims)}), "
                f"got dtype {array.dtype} and shape {array.shape}")
        for dim, size in zip(dims, array.shape):
            if sizes.setdefault(dim, size) != size:
                raise ModelFileError(f"{path}: {name} has {dim} = {size}, but another array has {sizes[dim]}")
        out[name] = array.astype(np.float64)
    return out
