#!/usr/bin/env python3
"""Thin entry point: ``python build.py [verb] ...``; see ``python build.py --help``."""
import sys

from digest.cli import run

if __name__ == "__main__":
    sys.exit(run())
