"""Saving and loading models as ``.npz`` files: atomic writes, no pickles, clear errors.

A model file is an ordinary numpy ``.npz`` archive holding one ``.npy`` member
per array, a ``kind`` tag and a ``format_version``. Loading never unpickles and
never trusts the file: it reads the zip directory and each needed member's
``.npy`` header first, checks the claimed dtype, shape and size against what
the model expects (and against :data:`MAX_ARRAY_BYTES`), and only then
decompresses exactly that many bytes. Members it does not need are never read.

Paths: :func:`save_arrays` adds ``.npz`` to a path without that suffix (as
numpy does), and :func:`load_arrays` reads the path as given if it exists,
else the same path with ``.npz`` added, so whatever path ``save`` accepts,
``load`` accepts.

Only regular files are read: a FIFO, a device such as ``/dev/zero`` or a socket
is refused before any byte is read. Saving through a symbolic link writes the
link's target (atomically, with a temporary file in the target's folder) and
leaves the link in place. A model whose parameters break the package's input
bound is refused by :func:`save_arrays` and :func:`load_arrays` alike, with the
same message (both take the model's ``check``).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Callable, Mapping

import numpy as np
from numpy.lib import format as npy_format

__all__ = ["ModelFileError", "FORMAT_VERSION", "MAX_ARRAY_BYTES", "save_arrays", "load_arrays", "open_regular_file"]

FORMAT_VERSION = 1
#: The largest array (in bytes, as float64) a model file may claim; larger claims are refused unread.
MAX_ARRAY_BYTES = 1 << 30
_MAX_TAG_BYTES = 4096  # the kind and format_version members are tiny
_MAX_HEADER_BYTES = 10_000


class ModelFileError(ValueError):
    """A model file is missing, corrupt, of the wrong kind, or has wrong shapes or values."""


# ----------------------------------------------------------------------------- paths
def _as_path(path: Any) -> Path:
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    if str(path) in ("", "."):
        raise ValueError("path must name a file, got an empty path")
    return path


def _save_path(path: Path) -> Path:
    path = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
    if path.is_symlink():  # write the link's target, keep the link (documented in the module docstring)
        path = Path(os.path.realpath(path))
    return path


_FILE_TYPES = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory")]


def open_regular_file(path: Path, what: str = "model file") -> BinaryIO:
    """Open ``path`` for binary reading only if it is a regular file; never blocks on a FIFO.

    The file is opened non-blocking and checked with ``fstat`` before any byte is read, so a FIFO,
    ``/dev/zero``, ``/dev/urandom`` or a socket is refused at once.

    Raises
    ------
    ModelFileError
        Naming ``path`` and what it is instead (``what`` names the expected kind of file).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise ModelFileError(f"cannot open {path}: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((label for test, label in _FILE_TYPES if test(mode)), "not a regular file")
            raise ModelFileError(f"{path} is {kind}, not a regular {what}; only regular files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _load_path(path: Path) -> Path:
    if path.exists() or path.suffix == ".npz":
        return path
    with_suffix = path.with_name(path.name + ".npz")
    return with_suffix if with_suffix.exists() else path


# ------------------------------------------------------------------------------ save
def _tmp_prefix(path: Path) -> str:
    return f".{path.name}."


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # on Windows os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by someone else
        return True
    return True


def _remove_stale_temporaries(path: Path) -> None:
    """Delete ``.NAME.<pid>.<token>.tmp`` files left by saves to ``path`` whose process is gone."""
    prefix = _tmp_prefix(path)
    try:
        candidates = list(path.parent.glob(f"{_glob_escape(prefix)}*.tmp"))
    except OSError:
        return
    for candidate in candidates:
        middle = candidate.name[len(prefix):-len(".tmp")].split(".")
        if len(middle) != 2 or not middle[0].isdigit():
            continue
        if not _pid_alive(int(middle[0])):
            candidate.unlink(missing_ok=True)


def _glob_escape(text: str) -> str:
    """Escape glob metacharacters in a file name."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def save_arrays(path: str | os.PathLike, kind: str, arrays: Mapping[str, Any],
                check: Callable[[Mapping[str, np.ndarray]], None] | None = None) -> Path:
    """Write ``arrays`` plus a kind tag and format version to ``path`` atomically.

    The data go to a temporary file ``.NAME.<pid>.<token>.tmp`` in the same
    folder, which is flushed, synced and then renamed over ``path``; an
    interrupted save never leaves a half-written model behind, and a later save
    to the same path removes temporaries left by a killed one. The file's mode
    follows the umask. A ``.npz`` suffix is added if missing.

    Parameters
    ----------
    path : str or os.PathLike
    kind : str
        The kind tag (for example ``"RBM"``).
    arrays : mapping of str to array_like
        Real, finite arrays.
    check : callable, optional
        The model's own check of its arrays (for example the input bound); it raises ValueError with a
        message that is then given as ``"<path>: <message>"``, exactly as :func:`load_arrays` gives it.
        Saving through a symbolic link writes the target and keeps the link.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    TypeError
        If ``path`` is not a path or an array is not real.
    ValueError
        If an array holds NaN or infinity (a model that cannot be loaded back is never written).
    ModelFileError
        If ``check`` refuses the arrays (a ModelFileError is a ValueError).
    ModelFileError
        If the file cannot be written there (a directory, a missing permission, a parent that is a file).
    """
    given = _as_path(path)
    if given.is_dir():
        raise ModelFileError(f"cannot save to {given}: it is a directory; give a file name")
    path = _save_path(given)
    payload: dict[str, np.ndarray] = {}
    for name, value in arrays.items():
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be a real array to be saved, got dtype {array.dtype}")
        if not np.all(np.isfinite(array)):
            raise ModelFileError(f"{path}: array {name!r} contains NaN or infinite values")  # as load_arrays says
        payload[name] = array
    _run_check(check, payload, path)
    payload["kind"] = np.array(kind)
    payload["format_version"] = np.array(FORMAT_VERSION)
    if path.is_dir():
        raise ModelFileError(f"cannot save to {path}: it is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelFileError(f"cannot save to {path}: cannot create the folder {path.parent} "
                             f"({err.strerror or err})") from None
    _remove_stale_temporaries(path)
    tmp = path.with_name(f"{_tmp_prefix(path)}{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with mode 0o666 lets the umask decide the final permissions (mkstemp would force 0600)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as err:
        raise ModelFileError(f"cannot save to {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno in (errno.EISDIR, errno.ENOTDIR, errno.EACCES, errno.EPERM):
            raise ModelFileError(f"cannot save to {path}: {err.strerror or err}") from None
        raise
    _sync_folder(path.parent)
    return path


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _run_check(check: Callable[[Mapping[str, np.ndarray]], None] | None, arrays: Mapping[str, np.ndarray],
               path: Path) -> None:
    if check is None:
        return
    try:
        check({name: np.asarray(value, dtype=np.float64) for name, value in arrays.items()})
    except ModelFileError:
        raise
    except ValueError as err:
        raise ModelFileError(f"{path}: {err}") from None


# ------------------------------------------------------------------------------ load
def _member_name(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(f"{name}.npy")
    except KeyError:
        return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, name: str,
                 max_bytes: int, kinds: str = "biuf") -> np.ndarray:
    """Read one ``.npy`` member, checking its header before decompressing its data."""
    where = f"{path}: array {name!r}"
    if info.flag_bits & 0x1:
        raise ModelFileError(f"{where} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ModelFileError(f"{where} uses an unsupported compression method ({info.compress_type})")
    if info.file_size > max_bytes + _MAX_HEADER_BYTES:
        raise ModelFileError(f"{where} claims {info.file_size:,} bytes, more than the {max_bytes:,} allowed")
    try:
        with archive.open(info) as stream:
            version = npy_format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = npy_format.read_array_header_1_0(stream, max_header_size=_MAX_HEADER_BYTES)
            elif version == (2, 0):
                shape, fortran, dtype = npy_format.read_array_header_2_0(stream, max_header_size=_MAX_HEADER_BYTES)
            else:
                raise ModelFileError(f"{where} has an unsupported .npy format version {version}")
            if dtype.hasobject:
                raise ModelFileError(f"{where} holds pickled objects, which are never loaded")
            if dtype.kind not in kinds or dtype.fields is not None or dtype.subdtype is not None:
                what = "real numbers" if kinds == "biuf" else "text" if kinds == "U" else "integers"
                raise ModelFileError(f"{where} must hold {what}, got dtype {dtype}"
                                     + (" (raw bytes)" if dtype.kind == "V" else ""))
            n_items = 1
            for size in shape:
                n_items *= int(size)
            # compare claims with the cap as float64 (what the array becomes) before reading any data
            if n_items * 8 > max_bytes:
                raise ModelFileError(f"{where} claims shape {shape} ({n_items:,} values), "
                                     f"more than the {max_bytes // 8:,} allowed")
            n_bytes = n_items * dtype.itemsize
            data = stream.read(n_bytes + 1)
    except ModelFileError:
        raise
    except (ValueError, SyntaxError, TypeError) as err:  # malformed header
        raise ModelFileError(f"{where} has a malformed .npy header: {err}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as err:
        raise ModelFileError(f"{where} is corrupt or truncated ({type(err).__name__}: {err})") from None
    if len(data) < n_bytes:
        raise ModelFileError(f"{where} is corrupt or truncated: its header says shape {shape} of {dtype} "
                             f"({n_bytes:,} bytes), the member holds {len(data):,}")
    if len(data) > n_bytes:
        raise ModelFileError(f"{where} is corrupt: it holds more data than its header's shape {shape}")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _read_tag(archive: zipfile.ZipFile, path: Path, name: str, kinds: str) -> np.ndarray | None:
    info = _member_name(archive, name)
    if info is None:
        return None
    return _read_member(archive, info, path, name, _MAX_TAG_BYTES, kinds)


def load_arrays(path: str | os.PathLike, kind: str, shapes: Mapping[str, tuple[str, ...]],
                optional: Mapping[str, tuple[str, ...]] | None = None,
                check: Callable[[Mapping[str, np.ndarray]], None] | None = None) -> dict[str, np.ndarray]:
    """Read a file written by :func:`save_arrays` and check it.

    Parameters
    ----------
    path : str or os.PathLike
        The file; if it does not exist, the same path with ``.npz`` added.
    kind : str
        The expected kind tag (for example ``"RBM"``).
    shapes : mapping of array name to a tuple of dimension names
        Every named array must be present, real, finite and have one axis per
        dimension name; a dimension name must have the same length wherever it
        appears.
    optional : mapping of array name to a tuple of dimension names, optional
        Arrays checked the same way when present.
    check : callable, optional
        The model's own check of the arrays read (see :func:`save_arrays`); its ValueError becomes a
        ModelFileError ``"<path>: <message>"``.

    Returns
    -------
    dict of str to float64 ndarray
        The arrays of ``shapes`` and those of ``optional`` that are present; no other member is read.

    Raises
    ------
    ModelFileError
        With a message naming the file (and the array, where one is at fault) and what is wrong;
        also for a path that is not a regular file (FIFO, device, socket) and for an archive with
        two members of the same name.
    TypeError
        If ``path`` is not a path.
    """
    path = _load_path(_as_path(path))
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a model file")
    handle = open_regular_file(path)
    try:
        if not zipfile.is_zipfile(handle):
            raise ModelFileError(f"{path} is corrupt or truncated (not an .npz archive)")
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
    except ModelFileError:
        handle.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        handle.close()
        raise ModelFileError(f"{path} is corrupt or truncated ({type(err).__name__}: {err})") from None
    with handle, archive:
        names = archive.namelist()
        if len(names) != len(set(names)):
            duplicate = next(name for name in names if names.count(name) > 1)
            raise ModelFileError(f"{path} is corrupt: it holds {names.count(duplicate)} members named "
                                 f"{duplicate!r} (array {duplicate.removesuffix('.npy')!r})")
        tag = _read_tag(archive, path, "kind", "U")
        found_kind = str(tag[()]) if tag is not None and tag.ndim == 0 else None
        if tag is not None and found_kind is None:
            raise ModelFileError(f"{path}: array 'kind' must be a single string, got shape {tag.shape}")
        if found_kind != kind:
            raise ModelFileError(f"{path} holds a {found_kind or 'file without a kind tag'}, expected a {kind}")
        version = _read_tag(archive, path, "format_version", "iu")
        if version is None:  # every file orbm-explore has written carries one
            raise ModelFileError(f"{path} has no 'format_version' array; it was not written by orbm-explore")
        if version.ndim != 0:
            raise ModelFileError(f"{path}: array 'format_version' must be one integer, got shape {version.shape}")
        if int(version[()]) != FORMAT_VERSION:
            newer = " (written by a newer orbm-explore)" if int(version[()]) > FORMAT_VERSION else ""
            raise ModelFileError(f"{path} has format_version {int(version[()])}{newer}; "
                                 f"this version reads format_version {FORMAT_VERSION}")
        wanted = dict(shapes)
        for name, dims in (optional or {}).items():
            if _member_name(archive, name) is not None:
                wanted[name] = dims
        sizes: dict[str, int] = {}
        out: dict[str, np.ndarray] = {}
        for name, dims in wanted.items():
            info = _member_name(archive, name)
            if info is None:
                raise ModelFileError(f"{path} has no array {name!r}")
            array = _read_member(archive, info, path, name, MAX_ARRAY_BYTES)
            if array.ndim != len(dims):
                raise ModelFileError(
                    f"{path}: {name} must be a real array with {len(dims)} axes ({', '.join(dims)}), "
                    f"got dtype {array.dtype} and shape {array.shape}")
            for dim, size in zip(dims, array.shape):
                if sizes.setdefault(dim, size) != size:
                    raise ModelFileError(f"{path}: {name} has {dim} = {size}, but another array has {sizes[dim]}")
            converted = array.astype(np.float64)
            if not np.all(np.isfinite(converted)):
                raise ModelFileError(f"{path}: array {name!r} contains NaN or infinite values")
            out[name] = converted
        _run_check(check, out, path)
    return out
