"""Settings of the benchmark's server: the production settings plus the floor view.

Everything else is as in production (``config.settings`` with DEBUG off); the only
changes are the URL map (``bench.urls`` adds ``/bench/floor/``) and the per-token rate
limit, which the load generator would otherwise hit within a second.
"""

import os

os.environ.setdefault("API_TOKEN_RATE", "10000000/min")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
