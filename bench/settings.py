"""Settings for benchmarks: the product's settings with bench/urls.py as the URLconf (which
adds a trivial JSON view to compare against)."""

from agentbuilder.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
