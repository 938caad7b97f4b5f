"""One way of writing numbers across the app (no Qt here, so any module may use it).

The rule:

- **Plain** between 0.001 and a million: a few significant digits (3 unless asked), trailing zeros
  dropped, thousands separated by commas, and whole digits never rounded away: 0.0123, 3, 0.5,
  95.4, 7,813, 31,188.
- **a×10ⁿ** outside that range, with superscript exponents: 7.5×10⁻⁵, 10⁻⁵ (not 1×10⁻⁵), 7.8×10⁶.
- A true minus sign (−), and "–" for a number that is not one (NaN).
- η and λ are written **as typed**: :func:`exact` keeps every digit the value has (0.0123456, 3,
  10⁻⁵), only the form follows the rule.
- Percentages from fractions: :func:`percent` (95.42%).
- A digit in a sentence with its article: :func:`a_digit` ("a 7", "an 8").
- Axis ticks: :func:`ticks` writes one axis's labels alike (as many decimals as the spacing needs;
  all a×10ⁿ when any needs it), :func:`decades` the labels of a log axis (all plain, or all 10ⁿ).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

PLAIN_LOW = 1e-3  # the smallest magnitude written plainly
PLAIN_HIGH = 1e6  # the first magnitude written as a×10ⁿ
MINUS = "−"
MISSING = "–"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n: int) -> str:
    """An integer in superscript digits: -5 → ⁻⁵."""
    return str(int(n)).translate(_SUPERSCRIPT)


def power_of_ten(n: int) -> str:
    """10ⁿ, e.g. 10⁻⁵."""
    return f"10{superscript(n)}"


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _strip(text: str) -> str:
    """Drop the trailing zeros of a decimal fraction (and a point left alone)."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _special(value: float) -> str | None:
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    if value == 0:
        return "0"
    return None


def _plain(value: float, digits: int) -> str:
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return _minus(_strip(f"{value:,.{decimals}f}"))


def _scientific(value: float, digits: int) -> str:
    mantissa, exponent = f"{value:.{max(0, digits - 1)}e}".split("e")
    mantissa = _strip(mantissa)
    if mantissa in ("1", "-1"):
        return _minus(mantissa[:-1]) + power_of_ten(int(exponent))
    return f"{_minus(mantissa)}×{power_of_ten(int(exponent))}"


def is_plain(value: float) -> bool:
    """Whether :func:`number` writes ``value`` without a power of ten."""
    return value == 0 or PLAIN_LOW <= abs(value) < PLAIN_HIGH


def number(value: float, digits: int = 3) -> str:
    """``value`` by the rule, with ``digits`` significant digits (whole digits are never dropped)."""
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    rounded = float(f"{value:.{max(0, digits - 1)}e}")  # the low end is decided after rounding (0.0009996 → 0.001)
    if PLAIN_LOW <= abs(rounded) and abs(value) < PLAIN_HIGH:
        return _plain(value, digits)
    return _scientific(value, digits)


def exact(value: float) -> str:
    """``value`` by the rule with every significant digit it has (η and λ as typed): the shortest
    form that reads back as the same float, up to 12 digits: 3, 0.5, 0.0123456, 10⁻⁵, 7.5×10⁻⁵."""
    value = float(value)
    if _special(value) is not None:
        return _special(value)
    for digits in range(1, 13):
        if float(f"{value:.{digits - 1}e}") == value:
            break
    return number(value, digits)


def percent(fraction: float, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.9542 → 95.42%."""
    if fraction is None or math.isnan(fraction):
        return MISSING
    return _minus(f"{100 * fraction:.{decimals}f}%")


def a_digit(digit: int, quoted: bool = False) -> str:
    """A digit with its article, as said aloud: "a 7", "an 8" (``quoted``: "an “8”")."""
    text = f"“{int(digit)}”" if quoted else str(int(digit))
    return f"{'an' if int(digit) == 8 else 'a'} {text}"


def count(n: int) -> str:
    """A count, every digit kept: 50,000."""
    return _minus(f"{int(n):,}")


def duration(seconds: float) -> str:
    """A time span for people: 0.4 s, 45 s, 3 min 20 s, 1 h 05 min."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return MISSING
    if seconds < 10:
        return f"{number(seconds, 2)} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if minutes < 10 else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _decimals(values: Sequence[float], spacing: float) -> int:
    """The fewest decimals that write every value exactly enough for ticks ``spacing`` apart."""
    tolerance = abs(spacing) * 1e-3
    for d in range(13):
        if all(abs(v - round(v, d)) <= tolerance for v in values):
            return d
    return 12


def ticks(values: Sequence[float], spacing: float) -> list[str]:
    """Labels for the ticks of one linear axis, ``spacing`` apart, written alike: plain with the
    decimals the spacing needs (0, 0.5, 1), or all as a×10ⁿ when the spacing is finer than 0.001 or
    a value reaches a million (2×10⁻⁴, 4×10⁻⁴)."""
    values = [float(v) for v in values]
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return [number(v) for v in values]
    spacing = abs(float(spacing)) or max(abs(v) for v in finite) or 1.0
    largest = max(abs(v) for v in finite)
    if spacing >= PLAIN_LOW * (1 - 1e-9) and largest < PLAIN_HIGH:
        d = _decimals(finite, spacing)
        return [_minus(f"{v:,.{d}f}") if math.isfinite(v) else number(v) for v in values]
    out = []
    for v in values:
        if not math.isfinite(v) or abs(v) < spacing * 1e-6:
            out.append(number(v) if math.isfinite(v) else MISSING)
            continue
        exponent = math.floor(math.log10(abs(v)) + 1e-9)
        scale = 10.0 ** exponent
        d = _decimals([v / scale], spacing / scale)
        mantissa = _strip(f"{v / scale:.{d}f}")
        if mantissa in ("1", "-1"):
            out.append(_minus(mantissa[:-1]) + power_of_ten(exponent))
        elif mantissa in ("10", "-10"):
            out.append(_minus(mantissa[:-2]) + power_of_ten(exponent + 1))
        else:
            out.append(f"{_minus(mantissa)}×{power_of_ten(exponent)}")
    return out


def decades(exponents: Sequence[int]) -> list[str]:
    """Labels for the decades 10ᵏ of a log axis, written alike: plain (0.001 … 100,000) when every
    one of them can be, else all as 10ᵏ."""
    exponents = [int(k) for k in exponents]
    if all(math.log10(PLAIN_LOW) <= k < math.log10(PLAIN_HIGH) for k in exponents):
        return [_plain(10.0 ** k, 1) for k in exponents]
    return [power_of_ten(k) for k in exponents]
