"""Settings for the test suite: the test environment in a temporary home; DATABASE_URL still applies."""

import os
import tempfile

os.environ.setdefault("GUIFAN_ENV", "test")
os.environ.setdefault("GUIFAN_HOME", tempfile.mkdtemp(prefix="guifan-test-"))
os.environ.setdefault("GUIFAN_EVAL_SYNC", "1")

from guifan.web.site.settings import *  # noqa: F403
