"""Entry point: ``python compile.py build`` is the same as ``bookpress build``."""

from bookpress.cli import main

if __name__ == "__main__":
    main()
