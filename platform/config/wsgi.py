"""WSGI entry point: ``gunicorn -c platform/gunicorn.conf.py config.wsgi``."""

import os
import sys
from pathlib import Path

_platform_dir = str(Path(__file__).resolve().parent.parent)
if _platform_dir not in sys.path:
    sys.path.append(_platform_dir)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
