"""Recipes date steps: step_date (calendar features, lubridate/clock semantics) and
step_holiday (timeDate holiday indicators, with the rules of timeDate 4022.108, the
version the fixtures' R used).

Dates are ``datetime64`` columns (R ``Date``: naive; ``POSIXct``: tz-aware, features
are taken in the column's time zone as lubridate does).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...convert import day_numbers, flag, scalar, strings
from ...errors import ForgeError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from ..labels import Labels, clock_labels, system_labels
from .base import SelectedColumnsStep, append_columns, drop_inputs, register

# --------------------------------------------------------------------------- step_date
def date_column(data: pd.DataFrame, column: str, step: str) -> pd.Series:
    """A Date/POSIXct column (recipes' ``check_type``)."""
    values = data[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        raise ForgeError(f"{step}: column `{column}` is not a Date or POSIXct column")
    return values


def _integers(values: pd.Series) -> pd.Series:
    return values.astype("Int32")


def _offsets(wall: pd.Series, tz: Any) -> np.ndarray:
    """Seconds east of UTC of ``tz`` at wall-clock times (that exist once)."""
    stamps = wall.dt.tz_localize(tz)
    return (stamps.dt.tz_localize(None) - stamps.dt.tz_convert(None)).dt.total_seconds().to_numpy()


def _local_seconds(utc: np.ndarray, tz: Any) -> np.ndarray:
    stamps = pd.Series(utc.astype("datetime64[s]")).dt.tz_localize("UTC").dt.tz_convert(tz)
    return stamps.dt.tz_localize(None).to_numpy().astype("datetime64[s]").astype("i8")


def localize(wall: pd.Series, tz: Any) -> pd.Series:
    """Wall-clock times (whole seconds) in ``tz`` as timechange places them
    (``roll_dst = c("boundary", "post")``): a time a change of offset skipped is the
    instant of the change, a repeated one the later instant. (pandas' ``shift_forward``
    assumes one-hour gaps: Kathmandu's 15 minutes of 1986 are not.)"""
    out = wall.dt.tz_localize(tz, nonexistent="NaT", ambiguous="NaT")
    odd = (out.isna() & wall.notna()).to_numpy()
    if not odd.any():
        return out
    day = pd.Timedelta(days=1)
    before, after = _offsets(wall[odd] - day, tz), _offsets(wall[odd] + day, tz)
    w = wall[odd].to_numpy().astype("datetime64[s]").astype("i8")
    later = (w - after).astype("i8")  # the later reading of a repeated time
    lo, hi = later.copy(), (w - before).astype("i8")  # a skipped time's change lies in (lo, hi]
    gap = after > before
    while (gap & (hi - lo > 1)).any():
        mid = lo + (hi - lo) // 2
        reached = _local_seconds(mid, tz) >= w
        hi, lo = np.where(gap & reached, mid, hi), np.where(gap & ~reached, mid, lo)
    instants = pd.Series(np.where(gap, hi, later).astype("datetime64[s]")).dt.tz_localize("UTC")
    out = out.copy()
    out[odd] = instants.dt.tz_convert(tz).to_numpy()
    return out


def new_year(years: pd.Series, tz: Any) -> pd.Series:
    """Midnight of 1 January of ``years`` in ``tz`` (naive for None), as lubridate's
    ``make_datetime(year, 1, 1, tz = tz)``: any year R holds, beyond 2262 too."""
    known = years.notna().to_numpy()
    stamps = np.full(len(years), np.datetime64("NaT"), dtype="datetime64[s]")
    stamps[known] = (years[known].to_numpy(dtype="i8") - 1970).astype("datetime64[Y]")
    out = pd.Series(stamps, index=years.index)
    return out if tz is None else localize(out, tz)


def decimal_date(dates: pd.Series) -> pd.Series:
    """lubridate's ``decimal_date``: year + elapsed seconds / seconds in that year."""
    years = dates.dt.year
    start, end = new_year(years, dates.dt.tz), new_year(years + 1, dates.dt.tz)
    sofar = (dates - start).dt.total_seconds()
    total = (end - start).dt.total_seconds()
    return years + sofar / total


def _labelled(codes: pd.Series, names: list[str], label: bool, ordinal: bool) -> pd.Series:
    """A weekday/month feature: a factor of ``names`` (codes 0-based) or 1-based ints."""
    if not label:
        return _integers(codes + 1)
    categorical = pd.Categorical.from_codes(codes.fillna(-1).astype(int), categories=names,
                                            ordered=ordinal)
    return pd.Series(categorical, index=codes.index)


def clock_weekday(dates: pd.Series) -> pd.Series:
    """clock's weekday (0 = Sunday). A Date's day is its whole part (floored); a
    date-time's is its local time in whole seconds cast to days *toward zero*
    (``time_point_cast``), so one before 1970 that is not at midnight counts as the next
    day, as ``clock::date_weekday_factor`` has it."""
    if dates.dt.tz is None:
        stamps = dates.to_numpy()
        days = np.floor(day_numbers(dates))
    else:
        stamps = dates.dt.tz_localize(None).to_numpy()
        per_second = np.timedelta64(1, "s") // np.timedelta64(1, np.datetime_data(stamps.dtype)[0])
        days = np.trunc(stamps.view("i8") // per_second / 86_400)
    weekday = pd.Series((days + 4) % 7, index=dates.index)  # 1970-01-01 was a Thursday
    return weekday.mask(np.isnat(stamps))


def _dow(dates: pd.Series, step: "StepDate") -> pd.Series:
    """The weekday (0 = Sunday): clock's for clock labels, lubridate's for a locale."""
    if isinstance(step.locale, dict):
        return clock_weekday(dates)
    return (dates.dt.day_of_week + 1) % 7


DateFeature = Callable[[pd.Series, "StepDate"], pd.Series]

DATE_FEATURES: dict[str, DateFeature] = {
    "year": lambda d, s: _integers(d.dt.year),
    "doy": lambda d, s: _integers(d.dt.day_of_year),
    "mday": lambda d, s: _integers(d.dt.day),
    "week": lambda d, s: _integers((d.dt.day_of_year - 1) // 7 + 1),
    "decimal": lambda d, s: decimal_date(d),
    "quarter": lambda d, s: _integers(d.dt.quarter),
    "semester": lambda d, s: _integers((d.dt.month - 1) // 6 + 1),
    "dow": lambda d, s: _labelled(_dow(d, s), s.names("weekday"), s.label, s.ordinal),
    "month": lambda d, s: _labelled(d.dt.month - 1, s.names("month"), s.label, s.ordinal),
}


def _locale_from_r(locale: Any) -> Labels | str | None:
    if isinstance(locale, List):
        return {key: strings(locale[key]) for key in locale.names}
    return None if locale is None else scalar(locale)


def _locale_to_r(locale: Labels | str | None) -> Any:
    if isinstance(locale, dict):
        return b.structure(b.named_list({k: b.chr(*v) for k, v in locale.items()}),
                           {"class": b.chr("clock_labels")})
    return None if locale is None else b.chr(locale)


class _DateStep(SelectedColumnsStep):
    """A step deriving new columns from date columns (inputs kept by default)."""

    default_role = "predictor"

    def __init__(self, *terms: Any, keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.keep_original_cols = keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "_DateStep":
        step = super().from_r(node)
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {**super().fields_to_r(), "keep_original_cols": b.lgl(self.keep_original_cols)}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        for column in self.columns:
            date_column(data, column, self.r_class)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        for column in self.columns:
            new = self.new_columns(date_column(data, column, self.r_class), column)
            data = append_columns(data, new, self.r_class)
        return drop_inputs(data, self.columns, self.keep_original_cols)

    def new_columns(self, dates: pd.Series, column: str) -> pd.DataFrame:
        """The columns derived from one date column."""
        raise NotImplementedError


@register
class StepDate(_DateStep):
    """``step_date``: calendar features ``<col>_<feature>`` of date columns.

    ``locale`` as in R: clock labels (``pk.clock_labels("fr")``, R's
    ``clock::clock_labels_lookup("fr")``; English clock labels by default), or a locale
    string whose names come from the operating system when baking (a LocaleError where
    the OS lacks it, as lubridate stops in R)."""

    r_class = "step_date"

    def __init__(self, *terms: Any, features: tuple[str, ...] = ("dow", "month", "year"),
                 abbr: bool = True, label: bool = True, ordinal: bool = False,
                 locale: Labels | str | None = None, **common: Any):
        super().__init__(*terms, **common)
        unknown = [f for f in features if f not in DATE_FEATURES]
        if unknown:
            raise UnsupportedStepError(self.r_class, f"date features {unknown}")
        self.features = list(features)
        self.abbr, self.label, self.ordinal = abbr, label, ordinal
        self.locale = clock_labels("en") if locale is None else locale

    @classmethod
    def from_r(cls, node: List) -> "StepDate":
        step = super().from_r(node)
        step.features = strings(node["features"])
        step.abbr, step.label = flag(node["abbr"]), flag(node["label"])
        step.ordinal = flag(node["ordinal"])
        step.locale = _locale_from_r(node.get("locale"))
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {"features": b.chr(*self.features), "abbr": b.lgl(self.abbr),
                "label": b.lgl(self.label), "ordinal": b.lgl(self.ordinal),
                "locale": _locale_to_r(self.locale), **super().fields_to_r()}

    @property
    def labels(self) -> Labels:
        """The month/weekday names: clock's, or the C library's for a locale string
        (resolved when baking, as lubridate does; the session's ``LC_TIME`` for ``None``)."""
        if isinstance(self.locale, dict):
            return self.locale
        return system_labels("" if self.locale is None else self.locale)

    def names(self, unit: str) -> list[str]:
        """The level names of the ``"month"`` or ``"weekday"`` feature."""
        return self.labels[f"{unit}_abbrev" if self.abbr else unit]

    def new_columns(self, dates: pd.Series, column: str) -> pd.DataFrame:
        return pd.DataFrame({f"{column}_{f}": DATE_FEATURES[f](dates, self)
                             for f in self.features}).reset_index(drop=True)


# --------------------------------------------------------------------------- holidays
#: a holiday: years (int array) -> its dates in those years (datetime64[D])
HolidayRule = Callable[[np.ndarray], np.ndarray]


def _ymd(years: np.ndarray, month: Any, day: Any) -> np.ndarray:
    """datetime64[D] of (year, month, day), elementwise."""
    months = (np.asarray(years, dtype="int64") - 1970) * 12 + (month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)


def _weekday(dates: np.ndarray) -> np.ndarray:
    """0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday)."""
    return (dates.astype("int64") + 4) % 7


def fixed(month: int, day: int) -> HolidayRule:
    """The same month/day every year."""
    return lambda years: _ymd(years, month, day)


def nth_weekday(month: int, weekday: int, nth: int) -> HolidayRule:
    """timeDate's ``.nth.of.nday``: the nth ``weekday`` (0 = Sunday) of the month."""
    def rule(years: np.ndarray) -> np.ndarray:
        first = _ymd(years, month, 1)
        return first + (weekday - _weekday(first)) % 7 + 7 * (nth - 1)
    return rule


def last_weekday(month: int, day: int, weekday: int) -> HolidayRule:
    """timeDate's ``.last.of.nday``: the last ``weekday`` on or before month/day."""
    def rule(years: np.ndarray) -> np.ndarray:
        last = _ymd(years, month, day)
        return last - (_weekday(last) - weekday) % 7
    return rule


def on_or_after(month: int, day: int, weekday: int) -> HolidayRule:
    """timeDate's ``.on.or.after``: the first ``weekday`` on or after month/day."""
    def rule(years: np.ndarray) -> np.ndarray:
        start = _ymd(years, month, day)
        return start + (weekday - _weekday(start)) % 7
    return rule


def easter_sunday(years: np.ndarray) -> np.ndarray:
    """Gregorian Easter Sunday (Meeus/Jones/Butcher computus)."""
    a, b, c = years % 19, years // 100, years % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return _ymd(years, month, day + 1)


def easter(offset: int) -> HolidayRule:
    """``offset`` days from Easter Sunday (timeDate's ``Easter(year, shift)``)."""
    return lambda years: easter_sunday(years) + offset


HOLIDAYS: dict[str, HolidayRule] = {
    "NewYearsDay": fixed(1, 1), "USNewYearsDay": fixed(1, 1),
    "USInaugurationDay": fixed(1, 20), "USMLKingsBirthday": nth_weekday(1, 1, 3),
    "USLincolnsBirthday": fixed(2, 12), "USWashingtonsBirthday": fixed(2, 22),
    "USPresidentsDay": nth_weekday(2, 1, 3), "USCPulaskisBirthday": nth_weekday(3, 1, 1),
    "USMemorialDay": last_weekday(5, 31, 1), "USDecorationMemorialDay": fixed(5, 30),
    "USJuneteenthNationalIndependenceDay": fixed(6, 19),
    "USIndependenceDay": fixed(7, 4), "USLaborDay": nth_weekday(9, 1, 1),
    "USColumbusDay": nth_weekday(10, 1, 2), "USElectionDay": on_or_after(11, 2, 2),
    "USVeteransDay": fixed(11, 11), "USThanksgivingDay": nth_weekday(11, 4, 4),
    "USChristmasDay": fixed(12, 25), "USGoodFriday": easter(-2),
    "ChristmasEve": fixed(12, 24), "ChristmasDay": fixed(12, 25), "BoxingDay": fixed(12, 26),
    "LaborDay": fixed(5, 1), "Epiphany": fixed(1, 6), "AllSaints": fixed(11, 1),
    "AllSouls": fixed(11, 2), "AssumptionOfMary": fixed(8, 15),
    "AshWednesday": easter(-46), "PalmSunday": easter(-7), "GoodFriday": easter(-2),
    "EasterSunday": easter(0), "Easter": easter(0), "EasterMonday": easter(1),
    "Ascension": easter(39), "Pentecost": easter(49), "PentecostMonday": easter(50),
    "CorpusChristi": easter(60),
}


def holiday_indicator(dates: pd.Series, holiday: str) -> pd.Series:
    """1 on the holiday, 0 otherwise, NA for NA dates (as integers)."""
    days = dates.to_numpy(dtype="datetime64[D]")
    known = ~np.isnat(days)
    years = np.unique(days[known].astype("datetime64[Y]").astype(int) + 1970)
    hits = np.isin(days, HOLIDAYS[holiday](years))
    return pd.Series(hits.astype(int), index=dates.index, dtype="Int32").mask(~known)


def as_date(values: pd.Series) -> pd.Series:
    """R's ``as.Date``: tz-aware times are taken in UTC."""
    return values.dt.tz_convert("UTC").dt.tz_localize(None) if values.dt.tz else values


@register
class StepHoliday(_DateStep):
    """``step_holiday``: 0/1 columns ``<col>_<holiday>`` for timeDate holidays."""

    r_class = "step_holiday"

    def __init__(self, *terms: Any,
                 holidays: tuple[str, ...] = ("LaborDay", "NewYearsDay", "ChristmasDay"),
                 **common: Any):
        super().__init__(*terms, **common)
        self.holidays = self._known(list(holidays))

    @classmethod
    def from_r(cls, node: List) -> "StepHoliday":
        step = super().from_r(node)
        step.holidays = step._known(strings(node["holidays"]))
        return step

    def _known(self, holidays: list[str]) -> list[str]:
        unknown = [h for h in holidays if h not in HOLIDAYS]
        if unknown:
            raise UnsupportedStepError(self.r_class, f"holiday rules {unknown} are not "
                                                     "implemented")
        return holidays

    def fields_to_r(self) -> dict[str, Any]:
        return {"holidays": b.chr(*self.holidays), **super().fields_to_r(),
                "sparse": b.chr("auto")}

    def new_columns(self, dates: pd.Series, column: str) -> pd.DataFrame:
        days = as_date(dates)
        return pd.DataFrame({f"{column}_{h}": holiday_indicator(days, h)
                             for h in self.holidays})
