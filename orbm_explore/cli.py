"""Command line: ``python -m orbm_explore {train,separate,derivations} ...``.

Examples
--------
python -m orbm_explore train bars --size 4 --epochs 100 --out models/bars.npz
python -m orbm_explore train digits --classes 3 8 --out models/digits38.npz
python -m orbm_explore separate models/bars.npz --random 3 --seed 1
python -m orbm_explore separate models/bars.npz --image 1111000000000000 --plot separated.png
python -m orbm_explore derivations
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

import numpy as np

from . import datasets, separation, training
from .corrections import CORRECTIONS
from .modelio import ModelFileError
from .two_cause import TwoCauseRBM

__all__ = ["main"]


def _train(args: argparse.Namespace) -> int:
    rng = np.random.default_rng(args.seed)
    if args.dataset == "bars":
        data_a = datasets.bars(args.size, args.samples, "horizontal", args.p_on, rng)
        data_b = datasets.bars(args.size, args.samples, "vertical", args.p_on, rng)
        names = ("horizontal bars", "vertical bars")
    else:
        images, labels = datasets.digits()
        data_a, data_b = images[labels == args.classes[0]], images[labels == args.classes[1]]
        names = (f"digit {args.classes[0]}", f"digit {args.classes[1]}")
    causes = []
    for name, data in zip(names, (data_a, data_b)):
        rbm, history = training.train_rbm(data, args.n_hidden, epochs=args.epochs, learning_rate=args.learning_rate,
                                          batch_size=args.batch_size, n_chains=100, rng=rng, progress=not args.quiet)
        summary = f"cause {'AB'[len(causes)]} ({name}): reconstruction error {history.reconstruction_error[-1]:.4f}"
        if history.log_likelihood:
            summary += f", exact log-likelihood {history.log_likelihood[-1]:.3f} nats"
        print(summary)
        causes.append(rbm)
    path = TwoCauseRBM(*causes).save(args.out)
    print(f"saved {path}")
    return 0


def _ascii(image: np.ndarray) -> list[str]:
    side = int(round(np.sqrt(image.size)))
    shades = " .:-=+*#%@"
    grid = image.reshape(side, -1) if side * side == image.size else image[None, :]
    return ["".join(shades[min(int(p * 10), 9)] * 2 for p in row) for row in grid]


def _separate(args: argparse.Namespace) -> int:
    model = TwoCauseRBM.load(args.model)
    rng = np.random.default_rng(args.seed)
    if args.image:
        bits = [c for c in args.image if c in "01"]
        if len(bits) != model.n_visible:
            raise ValueError(f"--image must have {model.n_visible} binary digits (0/1), got {len(bits)}")
        composites = np.array([[float(c) for c in bits]])
    else:
        _, _, samples = model.sample(args.random, n_steps=100, rng=rng)
        composites = samples
    recon_a, recon_b = separation.separate(model, composites, n_sweeps=args.sweeps, correction=args.correction,
                                           n_average=min(10, args.sweeps), mode=args.mode, rng=rng)
    recon_a, recon_b = np.atleast_2d(recon_a), np.atleast_2d(recon_b)
    for k, (v, a, b) in enumerate(zip(composites, recon_a, recon_b)):
        print(f"composite {k}          cause A              cause B")
        for row in zip(_ascii(v), _ascii(a), _ascii(b)):
            print("   ".join(row))
        print()
    if args.plot:
        from .plots import draw_separation

        figure = draw_separation(composites, recon_a, recon_b)
        figure.savefig(args.plot, dpi=100, bbox_inches="tight")
        print(f"saved {args.plot}")
    return 0


def _derivations(args: argparse.Namespace) -> int:
    from .derivations import main as derivations_main

    return derivations_main()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m orbm_explore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train one RBM per cause and save the two-cause model")
    train.add_argument("dataset", choices=["bars", "digits"])
    train.add_argument("--out", required=True, help="output .npz path")
    train.add_argument("--size", type=int, default=4, help="bars: image side (default 4)")
    train.add_argument("--p-on", type=float, default=0.3, help="bars: probability of each bar (default 0.3)")
    train.add_argument("--samples", type=int, default=2000, help="bars: training images per cause")
    train.add_argument("--classes", type=int, nargs=2, default=[3, 8], metavar=("A", "B"),
                       help="digits: the class for each cause (default 3 8)")
    train.add_argument("--n-hidden", type=int, default=8)
    train.add_argument("--epochs", type=int, default=100)
    train.add_argument("--learning-rate", type=float, default=0.05)
    train.add_argument("--batch-size", type=int, default=20)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.set_defaults(run=_train)

    separate = commands.add_parser("separate", help="split composites into each cause's reconstruction")
    separate.add_argument("model", help="a two-cause model saved by 'train'")
    what = separate.add_mutually_exclusive_group()
    what.add_argument("--image", help="one composite as a string of 0/1 digits (row by row)")
    what.add_argument("--random", type=int, default=2, help="separate N composites sampled from the model")
    separate.add_argument("--correction", choices=sorted(CORRECTIONS), default="exact")
    separate.add_argument("--mode", choices=["solo", "counterfactual"], default="solo")
    separate.add_argument("--sweeps", type=int, default=50)
    separate.add_argument("--seed", type=int, default=0)
    separate.add_argument("--plot", help="also save a PNG of composites and reconstructions")
    separate.set_defaults(run=_separate)

    derivations = commands.add_parser("derivations", help="check the notes' algebra with SymPy")
    derivations.set_defaults(run=_derivations)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ModelFileError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
