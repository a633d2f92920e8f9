"""Local development: DEBUG on, the embedded defaults (SQLite, eager tasks) unless the
environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
