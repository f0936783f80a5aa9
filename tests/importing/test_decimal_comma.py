"""Money written with a European decimal comma (``1.294,00 €``, ``12,50``) is read as written, never as
thousands (12,50 is not 1250); a column that mixes both conventions leaves the comma values unread (with a reason)
rather than guessing. The decision is per column, like day-first dates."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from shoplab.importing.values import parse_number


def _read(values):
    v, bad = parse_number(pd.Series(values, dtype=object))
    return [None if pd.isna(x) else round(float(x), 3) for x in v], bad.tolist()


def test_decimal_comma_column():
    v, bad = _read(["1.294,00 €", "12,50", "0,99", "€ 1.234.567,89", "1 294,00", "(3,50)", "1.294", "7", ""])
    assert v == [1294.0, 12.5, 0.99, 1234567.89, 1294.0, -3.5, 1294.0, 7.0, None]
    assert not any(bad)


def test_decimal_point_column_is_unchanged():
    v, bad = _read(["¥1,294.00", "$1,294.00", "1,294", "12.5", "1.294", "12元", "(3.00)"])
    assert v == [1294.0, 1294.0, 1294.0, 12.5, 1.294, 12.0, -3.0]
    assert not any(bad)


def test_a_column_with_both_conventions_is_not_guessed():
    v, bad = _read(["12.50", "12,50", "1,294"])
    assert v == [12.5, None, 1294.0] and bad == [False, True, False]


def _european(cents: int) -> str:
    whole, frac = divmod(cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d} €"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=20), st.booleans())
def test_formatted_amounts_read_back(cents, european):
    """Against the amounts themselves: any column of amounts written in one convention reads back exactly."""
    text = [_european(c) if european else f"${c / 100:,.2f}" for c in cents]
    v, bad = _read(text)
    assert v == [c / 100 for c in cents] and not any(bad)
