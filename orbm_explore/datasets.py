"""Binary datasets for two-cause experiments, all generated or shipped in a package (no downloads).

Images are returned flattened, shape (n, height * width), float64 zeros and ones.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

from .numerics import (MEMORY_LIMIT_ENV, as_binary_array, as_generator, check_budget, check_count, check_real,
                       memory_limit_bytes)

__all__ = [
    "bars",
    "xor_2bit",
    "neighbouring_bits",
    "squares_and_rectangles",
    "digits",
    "load_mnist_idx",
    "Composites",
    "composites",
]

FloatArray = NDArray[np.float64]


def bars(size: int, n_samples: int, orientation: str, p_on: float = 0.25, rng: Any = None,
         at_least_one: bool = True) -> FloatArray:
    """Images of horizontal or vertical bars, each bar on independently with probability ``p_on``.

    Parameters
    ----------
    size : int
        Images are size × size (4 and 8 are the classic choices).
    n_samples : int
    orientation : {"horizontal", "vertical"}
    p_on : float
    rng : None, int or Generator
    at_least_one : bool
        Draw every image from the law conditioned on at least one bar being on, so every
        image shows its cause (for any p_on: no rejection loop that tiny p_on could stall).

    Returns
    -------
    ndarray, shape (n_samples, size * size)

    Raises
    ------
    TypeError, ValueError
        Naming the argument: ``size`` must be an integer >= 1, ``n_samples`` an integer >= 0
        (with at most 2^28 pixels in all), ``p_on`` a finite number in (0, 1).
    """
    check_count(size, "size", 1)
    check_count(n_samples, "n_samples", 0)
    if n_samples * size * size > _MAX_VALUES:
        raise ValueError(f"n_samples × size² = {n_samples * size * size:,} pixels is more than the "
                         f"{_MAX_VALUES:,} allowed (n_samples={n_samples}, size={size})")
    check_budget("n_samples", n_samples * size * size, bytes_per_item=24.0,  # the lines, repeated, reshaped
                 what=f"n_samples={n_samples} ({n_samples * size * size:,} pixels)")
    if not isinstance(orientation, str) or orientation not in ("horizontal", "vertical"):
        raise ValueError(f"orientation must be 'horizontal' or 'vertical', got {orientation!r}")
    p_on = check_real(p_on, "p_on")
    if not 0 < p_on < 1:
        raise ValueError(f"p_on must be in (0, 1), got {p_on}")
    if not isinstance(at_least_one, (bool, np.bool_)):
        raise TypeError(f"at_least_one must be True or False, got {type(at_least_one).__name__}")
    rng = as_generator(rng)
    lines = (rng.random((n_samples, size)) < p_on).astype(np.float64)
    if at_least_one:
        # Rejection (redraw the empty rows) for a few rounds, then draw what is left straight from the
        # law conditioned on at least one bar: the result has that law either way, and no p_on loops.
        for _round in range(_REDRAW_ROUNDS):
            empty = lines.sum(axis=1) == 0
            if not empty.any():
                break
            lines[empty] = rng.random((int(empty.sum()), size)) < p_on
        empty = lines.sum(axis=1) == 0
        if empty.any():
            lines[empty] = _lines_with_at_least_one(int(empty.sum()), size, p_on, rng)
    images = np.repeat(lines[:, :, None], size, axis=2)  # rows on: horizontal bars
    if orientation == "vertical":
        images = images.transpose(0, 2, 1)
    return images.reshape(n_samples, size * size)


_REDRAW_ROUNDS = 8
_MAX_VALUES = 1 << 28  # 2 GiB of float64 pixels


def _lines_with_at_least_one(n_rows: int, size: int, p_on: float, rng: np.random.Generator) -> FloatArray:
    """n_rows draws of ``size`` independent Bernoulli(p_on) bits conditioned on at least one being on.

    The number of bits on, K, follows the binomial law restricted to K >= 1 (computed in logs, so
    any p_on in (0, 1) works); given K, the bits on are a uniformly random K-subset.
    """
    k = np.arange(1, size + 1)
    log_weight = (gammaln(size + 1) - gammaln(k + 1) - gammaln(size - k + 1)
                  + k * np.log(p_on) + (size - k) * np.log1p(-p_on))
    probabilities = np.exp(log_weight - logsumexp(log_weight))
    n_on = rng.choice(k, size=n_rows, p=probabilities / probabilities.sum())
    ranks = np.argsort(np.argsort(rng.random((n_rows, size)), axis=1), axis=1)
    return (ranks < n_on[:, None]).astype(np.float64)


def xor_2bit() -> FloatArray:
    """The predecessor's 2-bit XOR patterns: exactly one of two bits on, shape (2, 2)."""
    return np.array([[1.0, 0.0], [0.0, 1.0]])


def neighbouring_bits(n_on: int, n_bits: int) -> FloatArray:
    """Every pattern of ``n_bits`` bits with one run of ``n_on`` neighbouring bits on.

    Returns
    -------
    ndarray, shape (n_bits - n_on + 1, n_bits)
    """
    check_count(n_on, "n_on", 1)
    check_count(n_bits, "n_bits", 1)
    if not 1 <= n_on <= n_bits:
        raise ValueError(f"need 1 <= n_on <= n_bits, got n_on={n_on}, n_bits={n_bits}")
    check_budget("n_bits", (n_bits - n_on + 1) * n_bits, bytes_per_item=8.0,
                 what=f"n_bits={n_bits} ({(n_bits - n_on + 1) * n_bits:,} values)")
    patterns = np.zeros((n_bits - n_on + 1, n_bits))
    for start in range(n_bits - n_on + 1):
        patterns[start, start:start + n_on] = 1.0
    return patterns


def squares_and_rectangles() -> tuple[FloatArray, FloatArray]:
    """5×5 images: one 2×2 square in each of its 16 positions, and one 2×3 rectangle in each of its 12.

    Returns
    -------
    (squares, rectangles) : arrays of shape (16, 25) and (12, 25)
    """
    def placed(height, width):
        out = []
        for top in range(5 - height + 1):
            for left in range(5 - width + 1):
                image = np.zeros((5, 5))
                image[top:top + height, left:left + width] = 1.0
                out.append(image.ravel())
        return np.array(out)

    return placed(2, 2), placed(2, 3)


def digits(threshold: float = 8.0) -> tuple[FloatArray, NDArray[np.int64]]:
    """scikit-learn's shipped 8×8 digits (1797 images), binarised at ``threshold`` (pixel values 0–16).

    Returns
    -------
    (images, labels) : shapes (1797, 64) and (1797,)
    """
    threshold = check_real(threshold, "threshold")
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data > threshold).astype(np.float64), data.target.astype(np.int64)


def load_mnist_idx(images_path: str | os.PathLike, labels_path: str | os.PathLike | None = None,
                   threshold: int = 127) -> tuple[FloatArray, NDArray[np.int64] | None]:
    """Read MNIST from IDX files you already have (``.gz`` or not), binarised at ``threshold``.

    Only regular files are read (a FIFO or a device is refused at once). Each file's header is read
    and checked first (magic number, dimensions, and the memory its declared shape needs, against
    :func:`orbm_explore.numerics.memory_limit_bytes`); the body is then read, or decompressed, only up
    to the size the header declares, so a file shorter or longer than its header, or a gzip bomb, is
    refused without reading it all. A file declaring zero images gives arrays of shape (0, 784) and (0,).

    Returns
    -------
    (images, labels) : shapes (n, rows * cols) and (n,) (labels None if no path given)

    Raises
    ------
    TypeError, ValueError
        Naming ``images_path``/``labels_path`` (and the file) or ``threshold``.
    """
    threshold = check_real(threshold, "threshold")
    images = _read_idx(images_path, "images_path", n_dims=3)
    labels = None if labels_path is None else _read_idx(labels_path, "labels_path", n_dims=1).astype(np.int64)
    if labels is not None and labels.shape != (images.shape[0],):
        raise ValueError(f"labels_path: {labels_path} holds {labels.shape} labels for {images.shape[0]} images")
    n_images, rows, cols = images.shape
    flat = (images.reshape(n_images, rows * cols) > threshold).astype(np.float64)
    return flat, labels


_IDX_CHUNK = 1 << 20
# Peak bytes per IDX value while loading: the uint8 data, the boolean threshold and the float64 result.
_IDX_BYTES_PER_VALUE = 10.0


def _read_exactly(handle: Any, n_bytes: int) -> bytes:
    """Read up to ``n_bytes`` + 1 bytes in chunks (never allocating more than the data read)."""
    parts: list[bytes] = []
    remaining = n_bytes + 1
    while remaining > 0:
        chunk = handle.read(min(remaining, _IDX_CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _read_idx(path: Any, name: str, n_dims: int) -> np.ndarray:
    from .modelio import ModelFileError, open_regular_file

    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{name}: no IDX file at {path}")
    try:
        raw_handle = open_regular_file(path, "IDX file")
    except ModelFileError as err:
        raise ValueError(f"{name}: {err}") from None
    compressed = path.suffix == ".gz"
    try:
        with raw_handle, (gzip.GzipFile(fileobj=raw_handle, mode="rb") if compressed else raw_handle) as handle:
            magic = handle.read(4)
            if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] != 0x08:
                raise ValueError(f"{name}: {path} is not an unsigned-byte IDX file")
            if magic[3] != n_dims:
                what = "image" if n_dims == 3 else "label"
                raise ValueError(f"{name}: {path} is not an IDX {what} file "
                                 f"(expected {n_dims} dimensions, got {magic[3]})")
            header = handle.read(4 * n_dims)
            if len(header) < 4 * n_dims:
                raise ValueError(f"{name}: {path} is truncated inside its header")
            shape = struct.unpack(f">{n_dims}I", header)
            n_values = 1
            for size in shape:
                n_values *= size
            need, limit = n_values * _IDX_BYTES_PER_VALUE, memory_limit_bytes()
            if need > limit:
                raise ValueError(f"{name}: {path} declares shape {shape} ({n_values:,} values), which would need "
                                 f"about {need / 2**30:.3g} GiB, more than the limit of {limit / 2**30:.3g} GiB "
                                 f"(${MEMORY_LIMIT_ENV})")
            if not compressed:
                held = os.fstat(raw_handle.fileno()).st_size - 4 - 4 * n_dims
                if held != n_values:
                    problem = "is truncated" if held < n_values else "holds more data than its header declares"
                    raise ValueError(f"{name}: {path} {problem}: header says {shape} ({n_values:,} values), "
                                     f"the file holds {held:,}")
            body = _read_exactly(handle, n_values)
    except ValueError:
        raise
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"{name}: cannot read {path} ({type(err).__name__}: {err})") from None
    if len(body) != n_values:
        problem = "is truncated" if len(body) < n_values else "holds more data than its header declares"
        found = f"{len(body):,}" if len(body) <= n_values else "more"
        raise ValueError(f"{name}: {path} {problem}: header says {shape} ({n_values:,} values), found {found}")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


@dataclass(frozen=True)
class Composites:
    """Composite images with their ground-truth components (all shape (n, V))."""

    v: FloatArray
    a: FloatArray
    b: FloatArray


def composites(a: Any, b: Any, mode: str = "or", model: Any = None, rng: Any = None) -> Composites:
    """Combine images from two sources pairwise, keeping the components.

    Parameters
    ----------
    a, b : array_like, shape (n, V), binary
        Row k of ``a`` is combined with row k of ``b``.
    mode : {"or", "model"}
        ``"or"``: pixelwise OR. ``"model"``: the two-cause model's own rule,
        v ~ σ(φ^A + φ^B), with φ computed from each cause's hidden
        probabilities given its component (requires ``model``).
    """
    if not isinstance(mode, str) or mode not in ("or", "model"):
        raise ValueError(f"mode must be 'or' or 'model', got {mode!r}")
    a = as_binary_array(a, "a")
    b = as_binary_array(b, "b")
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"a and b must be batches of the same shape (n, V), got {a.shape} and {b.shape}")
    if mode == "or":
        return Composites(np.maximum(a, b), a, b)
    if mode == "model":
        from .two_cause import TwoCauseRBM

        if model is None:
            raise ValueError("mode='model' needs the two-cause model (model=...)")
        if not isinstance(model, TwoCauseRBM):
            raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
        if model.n_visible != a.shape[1]:
            raise ValueError(f"model has {model.n_visible} visible units, images have {a.shape[1]} pixels")
        rng = as_generator(rng)
        h_a = (rng.random((a.shape[0], model.a.n_hidden)) < model.a.p_h_given_v(a)).astype(np.float64)
        h_b = (rng.random((b.shape[0], model.b.n_hidden)) < model.b.p_h_given_v(b)).astype(np.float64)
        v = (rng.random(a.shape) < model.p_v_given_h(h_a, h_b)).astype(np.float64)
        return Composites(v, a, b)
    raise ValueError(f"mode must be 'or' or 'model', got {mode!r}")
