"""Build a large authority on PostgreSQL for the benchmarks (the builder is `bench.authority`).

python -m bench.generate_authority --scale large [--seed 1]
python -m bench.generate_authority --scale national --actions 1000000 [--due 1000] [--seed 1]
"""

import os
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench.authority import Command

    Command().run_from_argv(["bench.generate_authority", "generate_authority", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
