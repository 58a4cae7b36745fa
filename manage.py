#!/usr/bin/env python
"""Django's command-line utility for the resource platform."""

import os
import sys
from pathlib import Path

# The project configuration lives in platform/config (import name ``config``);
# platform/ is a plain folder so that ``import platform`` stays the standard library.
sys.path.append(str(Path(__file__).resolve().parent / "platform"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
