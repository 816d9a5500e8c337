"""Report prose of the two-dimensional sample, fuzzy, distribution and dispersion
entropies (a table, no figure: each is one number)."""

from __future__ import annotations

from . import Rendered


def render(ctx, computed) -> Rendered:
    p = computed.params
    reg, reg2 = p.get("region"), p.get("region_all_pairs")
    where = "" if not reg else (
        f" Sample entropy uses the central {reg[0]}x{reg[1]} pixels and the fuzzy and distribution "
        f"entropies the central {reg2[0]}x{reg2[1]} (they compare pairs of patches, whose cost grows "
        "with the square of the area); the dispersion entropy uses the whole image."
    )
    return Rendered(
        intro="How predictable the image's small patches are from one another: a higher sample or "
        "fuzzy entropy means that patches alike at one size more often differ once they grow by a "
        "pixel (a less regular texture), the distribution entropy says how evenly spread the "
        "distances between patches are, and the dispersion entropy how varied the coarse patterns "
        "of grey levels are." + where,
    )
