"""Command line: ``orbm-explore {train,separate,derivations} ...`` (or ``python -m orbm_explore ...``).

Examples
--------
orbm-explore train bars --size 4 --epochs 100 --out models/bars.npz
orbm-explore train digits --classes 3 8 --out models/digits38.npz
orbm-explore separate models/bars.npz --random 3 --seed 1
orbm-explore separate models/bars.npz --image 1111000000000000 --plot models/separated.png
orbm-explore derivations

Every error is reported on one line, with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn, Sequence

import numpy as np

from . import datasets, separation, training
from .corrections import CORRECTIONS
from .modelio import ModelFileError
from .numerics import BudgetError
from .two_cause import TwoCauseRBM

__all__ = ["main", "build_parser"]

PROG = "orbm-explore"
MAX_BARS_SIZE = 64
SEPARATE_DEFAULT_RANDOM = 2


class CommandLineError(Exception):
    """A bad command line or a failure to report on one line (exit status 2)."""


# ---------------------------------------------------------------------- argument types
def _integer(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
            raise argparse.ArgumentTypeError(f"must be an integer {bound}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _real(low: float, high: float | None = None, low_open: bool = True, high_open: bool = True
          ) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        too_low = value <= low if low_open else value < low
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low or too_high:
            if high is None:
                raise argparse.ArgumentTypeError(f"must be {'>' if low_open else '>='} {low:g}, got {value:g}")
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            raise argparse.ArgumentTypeError(f"must be in {left}{low:g}, {high:g}{right}, got {value:g}")
        return value

    parse.__name__ = "number"
    return parse


# --------------------------------------------------------------------------- helpers
def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _check_output_path(path: Path, option: str) -> None:
    """Fail before any work if ``path`` can obviously not be written."""
    if path.is_dir():
        raise CommandLineError(f"{option} {path} is a directory; give a file name")
    for candidate in (path, path.with_name(path.name + ".npz")) if option == "--out" else (path,):
        if candidate.exists() and not candidate.is_file():
            raise CommandLineError(f"{option} {candidate} exists and is not a regular file (a FIFO or a device); "
                                   f"give another path")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise CommandLineError(f"{option} {path}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise CommandLineError(f"{option} {path}: the folder {parent} is not writable")
            break


def _require_folder(path: Path, option: str) -> None:
    _check_output_path(path, option)
    if not path.parent.is_dir():
        raise CommandLineError(f"{option} {path}: the folder {path.parent} does not exist")


# ---------------------------------------------------------------------------- train
def _train(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _check_output_path(out, "--out")
    rng = np.random.default_rng(args.seed)
    if args.dataset == "bars":
        data_a = datasets.bars(args.size, args.samples, "horizontal", args.p_on, rng)
        data_b = datasets.bars(args.size, args.samples, "vertical", args.p_on, rng)
        names = ("horizontal bars", "vertical bars")
    else:
        if args.classes[0] == args.classes[1]:
            raise CommandLineError(f"--classes must name two different digits, got {args.classes[0]} twice")
        images, labels = datasets.digits()
        data_a, data_b = images[labels == args.classes[0]], images[labels == args.classes[1]]
        names = (f"digit {args.classes[0]}", f"digit {args.classes[1]}")
    causes = []
    for name, data in zip(names, (data_a, data_b)):
        rbm, history = training.train_rbm(data, args.n_hidden, epochs=args.epochs, learning_rate=args.learning_rate,
                                          batch_size=args.batch_size, n_chains=100, rng=rng,
                                          progress=not args.quiet)
        for array_name in ("weights", "visible_bias", "hidden_bias"):
            if not np.all(np.isfinite(getattr(rbm, array_name))):
                raise CommandLineError(f"training cause {'AB'[len(causes)]} ({name}) diverged: its {array_name} "
                                       f"are not finite; try a smaller --learning-rate (nothing was saved)")
        summary = f"cause {'AB'[len(causes)]} ({name})"
        if history.reconstruction_error:
            summary += f": reconstruction error {history.reconstruction_error[-1]:.4f}"
        if history.log_likelihood:
            summary += f", exact log-likelihood {history.log_likelihood[-1]:.3f} nats"
        print(summary)
        causes.append(rbm)
    model = separation.pair_model(causes[0], causes[1], data_a, data_b, rng=rng)
    print("paired the two causes with separation.pair_model (belief-layer bias fitted to OR-composites)")
    path = model.save(out)
    print(f"saved {path}")
    return 0


# ------------------------------------------------------------------------- separate
def _ascii(image: np.ndarray) -> list[str]:
    side = int(round(np.sqrt(image.size)))
    shades = " .:-=+*#%@"
    grid = image.reshape(side, -1) if side * side == image.size else image[None, :]
    return ["".join(shades[min(int(p * 10), 9)] * 2 for p in row) for row in grid]


def _parse_image(text: str, n_visible: int) -> np.ndarray:
    if text == "":
        raise CommandLineError(f"--image is empty; give {n_visible} digits 0/1 (row by row)")
    bad = sorted({c for c in text if c not in "01"})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        raise CommandLineError(f"--image may contain only the digits 0 and 1, found {shown}")
    if len(text) != n_visible:
        raise CommandLineError(f"--image must have {n_visible} digits (the model's visible units), got {len(text)}")
    return np.array([[float(c) for c in text]])


def _separate(args: argparse.Namespace) -> int:
    plot = None
    if args.plot is not None:
        plot = Path(args.plot)
        _require_folder(plot, "--plot")
        _check_plot_format(plot)
    model = TwoCauseRBM.load(args.model)
    rng = np.random.default_rng(args.seed)
    if args.image is not None:
        composites = _parse_image(args.image, model.n_visible)
    else:
        n_random = SEPARATE_DEFAULT_RANDOM if args.random is None else args.random
        try:
            separation.check_chains_budget(model, n_random, separation.RECOMMENDED_SEPARATION["n_chains"])
        except BudgetError as err:
            raise CommandLineError(f"--random {n_random} (with {separation.RECOMMENDED_SEPARATION['n_chains']} "
                                   f"chains each): {err}") from None
        try:
            _, _, composites = model.sample(n_random, n_steps=100, rng=rng)
        except BudgetError as err:
            raise CommandLineError(f"--random {n_random}: {err}") from None
    recommended = separation.RECOMMENDED_SEPARATION
    try:
        recon_a, recon_b = separation.separate(
            model, composites, n_sweeps=args.sweeps, correction=args.correction, mode=args.mode, rng=rng,
            n_average=min(recommended["n_average"], args.sweeps), n_chains=recommended["n_chains"], progress=True)
    except BudgetError as err:
        raise CommandLineError(f"--random {len(composites)} (with {recommended['n_chains']} chains each): "
                               f"{err}") from None
    recon_a, recon_b = np.atleast_2d(recon_a), np.atleast_2d(recon_b)
    for k, (v, a, b) in enumerate(zip(composites, recon_a, recon_b)):
        print(f"composite {k}          cause A              cause B")
        for row in zip(_ascii(v), _ascii(a), _ascii(b)):
            print("   ".join(row))
        print()
    if plot is not None:
        from .plots import draw_separation

        figure = draw_separation(composites, recon_a, recon_b)
        try:
            figure.savefig(plot, dpi=100, bbox_inches="tight")
        except OSError as err:
            raise CommandLineError(f"--plot {plot}: cannot write ({err.strerror or err})") from None
        finally:
            import matplotlib.pyplot as plt

            plt.close(figure)
        print(f"saved {plot}")
    return 0


def _check_plot_format(plot: Path) -> None:
    from matplotlib.figure import Figure

    formats = Figure().canvas.get_supported_filetypes()
    suffix = plot.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise CommandLineError(f"--plot {plot}: the file name must end in one of "
                               f"{', '.join('.' + f for f in sorted(formats))}")


# ---------------------------------------------------------------------- derivations
def _derivations(args: argparse.Namespace) -> int:
    from .derivations.report import main as report_main

    if args.report_args[:1] == ["--"]:
        args.report_args = args.report_args[1:]
    try:
        return int(report_main(list(args.report_args), prog=args.derivations_prog) or 0)
    except SystemExit as done:  # the report's own --help or usage error
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 2)


# --------------------------------------------------------------------------- parser
_DESCRIPTION = """Train two-cause RBMs, separate composites into their causes, check the notes' algebra.

examples:
  {prog} train bars --size 4 --epochs 100 --out models/bars.npz
  {prog} train digits --classes 3 8 --out models/digits38.npz
  {prog} separate models/bars.npz --random 3 --seed 1
  {prog} separate models/bars.npz --image 1111000000000000 --plot models/separated.png
  {prog} derivations

Every error is reported on one line, with exit status 2."""

class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show each option's default (except None and flags), keep the description's layout."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False or "default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see {self.prog} --help)\n")


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The ``orbm-explore`` argument parser (``prog`` is the name shown in usage lines)."""
    parser = _Parser(prog=prog, description=_DESCRIPTION.format(prog=prog), formatter_class=_HelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,separate,derivations}",
                                     parser_class=_Parser)

    train = commands.add_parser("train", help="train one RBM per cause and save the two-cause model",
                                description="Train one RBM per cause and save the two-cause model (.npz).",
                                formatter_class=_HelpFormatter)
    train.add_argument("dataset", choices=["bars", "digits"],
                       help="bars: horizontal bars (cause A) and vertical bars (cause B); "
                            "digits: scikit-learn's 8x8 digits, one class per cause")
    train.add_argument("--out", required=True, metavar="PATH",
                       help="required: where to save the model (.npz added if missing); folders are created")
    train.add_argument("--size", type=_integer(1, MAX_BARS_SIZE), default=4, help="bars: image side in pixels")
    train.add_argument("--p-on", type=_real(0.0, 1.0), default=0.3, help="bars: probability that each bar is on")
    train.add_argument("--samples", type=_integer(1), default=2000, help="bars: training images per cause")
    train.add_argument("--classes", type=_integer(0, 9), nargs=2, default=[3, 8], metavar=("A", "B"),
                       help="digits: the digit class for each cause (default: 3 8)")
    train.add_argument("--n-hidden", type=_integer(1), default=8, help="hidden units per cause")
    train.add_argument("--epochs", type=_integer(1), default=100, help="passes over the training data")
    train.add_argument("--learning-rate", type=_real(0.0), default=0.05, help="learning rate (> 0)")
    train.add_argument("--batch-size", type=_integer(1), default=20, help="images per gradient step")
    train.add_argument("--seed", type=_integer(0), default=0, help="random seed (same seed, same model)")
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.set_defaults(run=_train)

    separate = commands.add_parser("separate", help="split composites into each cause's reconstruction",
                                   description="Split composite images into each cause's reconstruction.",
                                   formatter_class=_HelpFormatter)
    separate.add_argument("model", help="a two-cause model saved by 'train'")
    what = separate.add_mutually_exclusive_group()
    what.add_argument("--image", metavar="BITS",
                      help="one composite as a string of 0/1 digits, row by row (not with --random)")
    what.add_argument("--random", type=_integer(1), metavar="N",
                      help=f"separate N composites sampled from the model (default {SEPARATE_DEFAULT_RANDOM}; "
                           "not with --image)")
    separate.add_argument("--correction", choices=sorted(CORRECTIONS), default="exact",
                          help="explaining-away correction used by the posterior sampler")
    separate.add_argument("--mode", choices=["solo", "counterfactual"], default="solo",
                          help="solo: each cause alone; counterfactual: each cause with the other silenced")
    separate.add_argument("--sweeps", type=_integer(1), default=separation.RECOMMENDED_SEPARATION["n_sweeps"],
                          help="posterior Gibbs sweeps per chain (8 chains per composite; the last min(30, SWEEPS) "
                               "sweeps of each are averaged: separation.RECOMMENDED_SEPARATION)")
    separate.add_argument("--seed", type=_integer(0), default=0, help="random seed")
    separate.add_argument("--plot", metavar="PATH",
                          help="also save a picture of composites and reconstructions (.png, .pdf, .svg, ...)")
    separate.set_defaults(run=_separate)

    derivations = commands.add_parser("derivations", help="check the notes' algebra with SymPy",
                                      description="Check every algebraic claim of the notes with SymPy.",
                                      formatter_class=_HelpFormatter)
    derivations.add_argument("report_args", nargs=argparse.REMAINDER, metavar="...",
                             help="options passed on to the derivations report")
    derivations.set_defaults(run=_derivations, derivations_prog=f"{prog} derivations")
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run the command line; returns the exit status (0 on success, 2 on any error)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["derivations"] and argv[1:]:
        # everything after 'derivations' (options and --help included) belongs to the report's own parser
        argv = ["derivations", "--", *argv[1:]]
    try:
        args = build_parser(prog).parse_args(argv)
    except SystemExit as done:  # --help, or a bad command line (already reported on one line)
        return done.code if isinstance(done.code, int) else 0
    try:
        return args.run(args)
    except (CommandLineError, ModelFileError, ValueError, TypeError, OSError) as err:
        print(f"{prog}: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{prog}: error: not enough memory for these settings; try smaller ones", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
