"""The headless CLI: `python -m core <command> ...`, JSON out with `--json`.

Bad input prints one line on stderr and exits 2. `schedule` never imports TensorFlow; the
commands that train import it when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from core.schedule import SHUFFLE_MODES, Schedule, ScheduleSpec

EXIT_USAGE = 2


class UsageError(Exception):
    """A user's mistake on the command line: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we want one line
        raise UsageError(f"{self.prog}: {message}")


def _int(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--{name} must be a whole number, got {text!r}"
            ) from None
        return value

    return parse


def _float(name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} must be a number, got {text!r}") from None

    return parse


def add_schedule_args(p: argparse.ArgumentParser, *, need_n: bool = True) -> None:
    if need_n:
        p.add_argument("--n", type=_int("n"), required=True, help="dataset size N")
    p.add_argument("--batch-size", type=_int("batch-size"), required=True)
    p.add_argument("--epochs", type=_int("epochs"), default=1)
    p.add_argument("--drop-remainder", action="store_true")
    p.add_argument("--validation-split", type=_float("validation-split"), default=0.0)
    p.add_argument("--shuffle", choices=SHUFFLE_MODES, default="epoch")
    p.add_argument("--seed", type=_int("seed"), default=0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Batch Lab, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("schedule", help="iterations, batches and figures for N, B, E")
    add_schedule_args(p)
    p.add_argument(
        "--batches",
        type=_int("batches"),
        metavar="K",
        help="list the batches (training-sample indices) of epoch K (0-based)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_schedule)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


# Later modules (training, sweeps) add their subcommands here without importing TF up front.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def spec_from_args(args: argparse.Namespace, n: int | None = None) -> ScheduleSpec:
    return ScheduleSpec(
        n=args.n if n is None else n,
        batch_size=args.batch_size,
        epochs=args.epochs,
        drop_remainder=args.drop_remainder,
        validation_split=args.validation_split,
        shuffle=args.shuffle,
        seed=args.seed,
    )


def cmd_schedule(args: argparse.Namespace) -> int:
    schedule = Schedule(spec_from_args(args))  # ValueError → usage error
    out = schedule.summary()
    if args.batches is not None:
        if args.batches >= schedule.epochs:
            raise ValueError(
                f"--batches must name an epoch in [0, {schedule.epochs - 1}], got {args.batches}."
            )
        out["batches"] = [b.tolist() for b in schedule.epoch_batches(args.batches)]
    if args.json:
        print(json.dumps(out))
        return 0
    s = out
    print(
        f"N={s['n']}  B={s['batch_size']}  E={s['epochs']}  shuffle={s['shuffle']}  "
        f"drop_remainder={s['drop_remainder']}  validation_split={s['validation_split']}\n"
        f"training samples     {s['train_samples']}\n"
        f"validation samples   {s['validation_samples']}\n"
        f"iterations per epoch {s['steps_per_epoch']}\n"
        f"total iterations     {s['total_steps']}\n"
        f"last batch size      {s['last_batch_size']}\n"
        f"dropped per epoch    {s['dropped_samples']}"
    )
    if "batches" in out:
        for i, b in enumerate(out["batches"]):
            print(f"epoch {args.batches} iteration {i}: {b}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"python -m core: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
