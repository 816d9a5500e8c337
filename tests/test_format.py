"""Numbers rounded to their uncertainty (issues 20, 21): one rule, the PDG's."""

from __future__ import annotations

import pytest

from infopix.formatting import format_value, round_to_error

# (value, error) -> text. The error keeps two significant digits when its three leading
# digits are 100-354, one when 355-949, and 950-999 round up to two digits of the next
# power of ten (Particle Data Group, "Rounding"); the value keeps the error's decimals.
CASES = [
    ((1.9133, 0.0080645), "1.913 ± 0.008"),
    ((7.2324, 0.0024), "7.2324 ± 0.0024"),
    ((7.2324, 0.096), "7.23 ± 0.10"),        # rounds up a digit
    ((7.2324, 0.0996), "7.23 ± 0.10"),
    ((7.2324, 0.354), "7.23 ± 0.35"),
    ((7.2324, 0.355), "7.2 ± 0.4"),
    ((7.2324, 0.949), "7.2 ± 0.9"),
    ((7.2324, 0.95), "7.2 ± 1.0"),
    ((1.8212, 0.0211), "1.821 ± 0.021"),
    ((0.9372, 0.11), "0.94 ± 0.11"),
    ((1234.5, 12.0), "1234 ± 12"),
    ((1234.5, 120.0), "1230 ± 120"),
    ((-0.5, 0.25), "-0.50 ± 0.25"),
    ((2.0, 1.7331e-07), "(2.00000000 ± 0.00000017)"),
    ((3.0e-6, 1.2e-7), "(3.00 ± 0.12)e-06"),
    ((2.0, 9.4e-16), "2 ± 9e-16"),           # an error at rounding level: not 17 digits
    ((123456789.0, 2345.0), "(1.234568 ± 0.000023)e+08"),
    ((7.231695, None), "7.232"),
    ((7.231695, float("nan")), "7.232"),
    ((0.0012345, None), "0.001234"),
    ((15.0, 0.0), "15 (exact)"),
    ((float("nan"), 0.1), "n/a"),
]


@pytest.mark.parametrize("args, text", CASES)
def test_value_rounded_to_its_error(args, text):
    assert format_value(*args) == text


def test_unit_is_appended():
    assert format_value(7.2324, 0.0024, unit="bits") == "7.2324 ± 0.0024 bits"
    assert format_value(float("nan"), None, unit="bits") == "n/a bits"


@pytest.mark.parametrize("err", [1e-9, 3.7e-5, 0.00123, 0.5, 9.99, 44.4, 951.0, 12345.0])
def test_rounded_error_is_close_and_has_one_or_two_digits(err):
    r, dec = round_to_error(err)
    # one digit from 355 up: at most 0.05/0.355 = 14 % off; two digits: at most 5 %
    assert abs(r - err) <= 0.141 * err
    digits = f"{r:.{max(dec, 0)}f}".replace(".", "").lstrip("0").rstrip("0") or "0"
    assert 1 <= len(digits) <= 2
