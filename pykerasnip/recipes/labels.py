"""Month and weekday names for ``step_date``, from the two sources recipes 1.3.2 uses.

* A ``clock_labels`` object (the default, ``clock::clock_locale()$labels``, or
  ``clock::clock_labels_lookup(language)``): clock's tables, shipped here for every
  language of clock 0.6.1 (``clock_labels.json.gz``, made by tests/r/make_clock_labels.R).
* A locale string (``locale = "fr_FR.UTF-8"``): lubridate's ``month()``/``wday()`` set the
  operating system's ``LC_TIME`` to it and format dates, so the names are the C library's
  locale data of the machine that bakes. Python does the same through :mod:`locale`; a
  locale the OS cannot set is an error, as in R (lubridate turns R's warning into an
  error; under ``suppressWarnings()`` R would instead keep the session's ``LC_TIME``).
"""
from __future__ import annotations

import gzip
import json
import locale as _locale
import threading
from datetime import datetime
from functools import lru_cache
from importlib import resources

from ..errors import LocaleError

#: a clock_labels table: month, month_abbrev, weekday, weekday_abbrev (Sunday first), am_pm
Labels = dict[str, list[str]]

_LC_TIME_LOCK = threading.RLock()  # LC_TIME is process-wide; re-entered for the C fallback
#: locale names the OS may lack whose C-library names are the English ones (en_* locales
#: all take en_US's LC_TIME names); R would stop where such a locale is not installed
ENGLISH_LOCALES = ("C", "POSIX", "en_")


@lru_cache(maxsize=1)
def _clock_table() -> dict[str, Labels]:
    data = resources.files(__package__).joinpath("clock_labels.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))["labels"]


def clock_labels_languages() -> list[str]:
    """The language codes clock knows (``clock::clock_labels_languages()``)."""
    return list(_clock_table())


def clock_labels(language: str = "en") -> Labels:
    """clock's labels of ``language`` (``clock::clock_labels_lookup(language)``)."""
    labels = _clock_table().get(language)
    if labels is None:
        raise LocaleError(f"Unknown language '{language}' (clock knows "
                          f"{len(_clock_table())} languages, see clock_labels_languages())")
    return {key: list(names) for key, names in labels.items()}


@lru_cache(maxsize=None)
def system_labels(name: str) -> Labels:
    """The names lubridate takes for the locale string ``name`` (``""``: the environment's
    ``LC_TIME``, what R's session uses): the C library's ``%a %A %b %B %p``."""
    with _LC_TIME_LOCK:
        previous = _locale.setlocale(_locale.LC_TIME)
        try:
            _locale.setlocale(_locale.LC_TIME, name)
        except _locale.Error:
            if name.startswith(ENGLISH_LOCALES):
                return clock_labels("en")
            if name == "":
                return system_labels("C")
            raise LocaleError(f'OS reports request to set locale to "{name}" cannot be '
                              "honored (lubridate stops on it, as recipes' step_date does "
                              "in R)") from None
        try:
            return _formatted_names()
        finally:
            _locale.setlocale(_locale.LC_TIME, previous)


def _formatted_names() -> Labels:
    def fmt(code: str, month: int, day: int, hour: int = 0) -> str:
        return datetime(2023, month, day, hour).strftime(code)

    def unique(names: list[str]) -> list[str]:  # lubridate keeps the distinct names
        return list(dict.fromkeys(names))
    sundays = [(1, day) for day in range(1, 8)]  # 2023-01-01 was a Sunday
    firsts = [(month, 1) for month in range(1, 13)]
    return {"month": unique([fmt("%B", *d) for d in firsts]),
            "month_abbrev": unique([fmt("%b", *d) for d in firsts]),
            "weekday": unique([fmt("%A", *d) for d in sundays]),
            "weekday_abbrev": unique([fmt("%a", *d) for d in sundays]),
            "am_pm": [fmt("%p", 1, 1), fmt("%p", 1, 1, 13)]}
