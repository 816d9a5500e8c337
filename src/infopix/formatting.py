"""Numbers as people read them: a value rounded to its uncertainty (public: the report,
the CLI and users format numbers alike).

One rule for the report and the CLI's text output (JSON keeps full precision). The
error keeps two significant digits, or one when its three leading digits are 355-949,
and 950-999 round up to the next power of ten with two digits (the Particle Data
Group's rule, Rev. Part. Phys., "Rounding"); the value is rounded to the error's last
digit. Values without an error keep four significant digits.
"""

from __future__ import annotations

import math

__all__ = ["format_interval", "format_value", "round_to_error"]

# Outside 10^-4 .. 10^6 the digits are shown with a shared power of ten.
_SCI_LOW, _SCI_HIGH = -4, 6


def round_to_error(error: float) -> tuple[float, int]:
    """``(rounded error, decimals)``: the error rounded by the PDG rule and the number of
    decimal places (negative: tens, hundreds, ...) both it and the value keep.

    Examples
    --------
    >>> round_to_error(0.0080645)
    (0.008, 3)
    >>> round_to_error(0.096)
    (0.1, 2)
    >>> round_to_error(0.0123)
    (0.012, 3)
    """
    e = abs(float(error))
    exp = math.floor(math.log10(e))
    lead3 = int(round(e / 10 ** (exp - 2)))  # three leading digits, 100..1000
    if lead3 >= 1000:  # e.g. 9.996 -> 1000
        exp += 1
        lead3 = 100
    if lead3 <= 354:  # two digits
        digits, unit_exp = (lead3 + 5) // 10, exp - 1
    elif lead3 <= 949:  # one digit
        digits, unit_exp = (lead3 + 50) // 100, exp
    else:  # 950..999: up to the next power of ten, two digits
        digits, unit_exp = 10, exp
    decimals = -unit_exp
    return float(round(digits * 10.0**unit_exp, max(decimals, 0))), decimals


def _fixed(x: float, decimals: int) -> str:
    if decimals <= 0:
        return f"{round(x, decimals):.0f}"
    return f"{x:.{decimals}f}"


def format_value(value, error=None, *, unit: str | None = None) -> str:
    """``value ± error`` rounded to the error, as text for people (report, CLI).

    Parameters
    ----------
    value : float
        The number; NaN gives ``'n/a'``.
    error : float, optional
        Its standard error (or standard deviation); ``None`` or NaN: no error is known,
        and the value keeps four significant digits; 0: an exact value.
    unit : str, optional
        Appended after a space.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(1.9133, 0.0080645)
    '1.913 ± 0.008'
    >>> format_value(7.2324, 0.096)
    '7.23 ± 0.10'
    >>> format_value(2.0, 1.7331e-07)
    '(2.00000000 ± 0.00000017)'
    >>> format_value(7.231695, None, unit="bits")
    '7.232 bits'
    >>> format_value(2.0, 9e-16)                    # an error at rounding level
    '2 ± 9e-16'
    >>> format_value(123456789.0, 2345.0)
    '(1.234568 ± 0.000023)e+08'
    """
    suffix = f" {unit}" if unit else ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return f"{value}{suffix}"
    if math.isnan(x):
        return f"n/a{suffix}"
    if math.isinf(x):
        return f"{'-' if x < 0 else ''}inf{suffix}"
    err = None if error is None else float(error)
    if err is not None and (math.isnan(err) or math.isinf(err)):
        err = None
    if err is None:
        return _no_error(x) + suffix
    if err == 0:
        return f"{x:.10g} (exact){suffix}"
    if abs(err) < 1e-9 * abs(x):  # an error at rounding level: keep the value's digits
        return f"{_minus_zero(x):.7g} ± {abs(err):.1g}{suffix}"
    e_r, dec = round_to_error(err)
    mag = math.floor(math.log10(max(abs(x), e_r)))
    if mag >= _SCI_HIGH or mag < _SCI_LOW:
        scale = 10.0**mag
        d = dec + mag
        return f"({_fixed(x / scale, d)} ± {_fixed(e_r / scale, d)})e{mag:+03d}{suffix}"
    if dec > 6:  # a tiny error on an ordinary value: keep the digits, bracket them
        return f"({_fixed(x, dec)} ± {_fixed(e_r, dec)}){suffix}"
    return f"{_fixed(x, dec)} ± {_fixed(e_r, dec)}{suffix}"


def _minus_zero(x: float) -> float:
    return 0.0 if x == 0 else x


def _no_error(x: float) -> str:
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if mag >= _SCI_HIGH or mag < _SCI_LOW:
        return f"{x:.3e}"
    return f"{x:.{max(0, 3 - mag)}f}" if mag < 3 else f"{x:.0f}"


def format_interval(lo, hi, error) -> str:
    """``[lo, hi]`` with both ends rounded to the decimals of ``error`` (as the value).

    Examples
    --------
    >>> format_interval(6.92354, 7.54125, 0.1576)
    '[6.92, 7.54]'
    """
    try:
        _, dec = round_to_error(error)
    except (TypeError, ValueError):
        return f"[{_no_error(float(lo))}, {_no_error(float(hi))}]"
    return f"[{_fixed(float(lo), dec)}, {_fixed(float(hi), dec)}]"
