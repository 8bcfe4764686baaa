"""The ``sk-interact`` command line."""

from __future__ import annotations

import argparse

from sk_interact import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``sk-interact`` command."""
    parser = argparse.ArgumentParser(
        prog="sk-interact",
        description=(
            "Find and explain feature interactions inside neural networks. "
            "Subcommands arrive with the estimators; for now this prints help."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
