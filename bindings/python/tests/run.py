"""Runs the pytest suite for `meson test`: exit status 77 (skipped) when the build or the machine
cannot run it, so a missing optional dependency is reported instead of failing the run."""
import os
import sys


def skip(reason):
    print(f"skipped: {reason}")
    sys.exit(77)


def main():
    if os.environ.get("HEDGE_PYTHON_SKIP"):
        skip(os.environ["HEDGE_PYTHON_SKIP"])
    try:
        import cffi  # noqa: F401
        import numpy  # noqa: F401
        import pytest
    except ImportError as e:
        skip(f"{e.name} is not installed (scripts/deps.sh installs python3-cffi, python3-numpy, python3-pytest)")
    if "dask" in sys.argv[1:]:
        try:
            import distributed  # noqa: F401
        except ImportError:
            skip("distributed (Dask) is not installed")

    # no cache directory and no bytecode in the source tree
    sys.dont_write_bytecode = True
    sys.exit(pytest.main(["-p", "no:cacheprovider", "-q", "-rs", os.path.dirname(os.path.abspath(__file__))]
                         + sys.argv[1:]))


# Dask's worker processes are spawned and import the main module again: only run pytest once.
if __name__ == "__main__":
    main()
