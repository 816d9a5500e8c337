"""The overview of a report: headline measures, alerts, and values outside validity (private).

- :func:`headline` picks the few numbers a reader wants first (the whole-image entropy
  with an uncertainty that respects spatial correlation, the dimensions, the entropy
  density, ...), each with its uncertainty and the assumption behind it.
- :func:`section_alerts` turns everything a section raised or noted into alerts: Python
  warnings caught while it was computed and drawn, the measure's notes, values outside an
  estimator's validity, values the image does not admit.
- :func:`mark_not_applicable` replaces values outside an estimator's validity by
  ``None`` with a ``not_applicable`` reason, so they never appear as numbers.
"""

from __future__ import annotations

import math
import re

from ..measures import quantity

#: (section, quantity, label, what its uncertainty is when it has one)
HEADLINE = (
    ("fractal", "box_counting_dimension", "Box-counting dimension (foreground)",
     "standard error of the log-log slope"),
    ("fractal", "dbc_dimension", "Grey-level (DBC) dimension", "standard error of the log-log slope"),
    ("spatial", "entropy_density", "Entropy density",
     "spread over image quadrants and the last convergence step"),
    ("spatial", "correlation_length", "Correlation length (mutual information)", None),
    ("spatial", "cid_ratio", "Compressibility ratio (CID / shuffled CID)", None),
    ("local", "mean_local_entropy", "Mean local entropy (smallest window)", None),
)

_NO_ERROR = "none computed (exact for this image and these parameters)"


def _messages(caught) -> list[str]:
    out = []
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg and msg not in out:
            out.append(msg)
    return out


def headline(report_sections, entropy: dict | None) -> list[dict]:
    """The overview's rows: dicts with ``section``, ``name``, ``label``, ``value``,
    ``std``, ``unit``, ``uncertainty`` (the method, or that there is none) and, for a
    value the image does not admit, ``not_applicable``."""
    rows = []
    if entropy is not None:
        eff = entropy.get("effective_samples")
        how = entropy.get("uncertainty") or "spatial"
        if eff is not None and math.isfinite(eff):
            how += f"; the image is worth about {eff:,.0f} independent pixels"
        rows.append(
            {
                "section": "intensity",
                "name": "entropy",
                "label": "Grey-level entropy (Shannon, plug-in)",
                "value": entropy["value"],
                "std": entropy.get("std"),
                "unit": "bits",
                "uncertainty": how,
            }
        )
    by_key = {s.key: s for s in report_sections}
    for sec, name, label, how in HEADLINE:
        s = by_key.get(sec)
        if s is None or name not in s.results:
            continue
        q = s.results[name]
        v, std = q.get("value"), q.get("std")
        if isinstance(v, list):  # a series: its first entry (smallest radius)
            x = q.get("x")
            if not v:
                continue
            label = f"{label.split(' (')[0]} (r = {x[0]} pixels)" if x else label
            v = v[0]
            std = std[0] if isinstance(std, list) else None
        parts = [k[4:].replace("_", " ") for k in q if k.startswith("std_")]
        if parts and std is not None:
            how = "standard error combining " + ", ".join(parts)
        if v is None:
            how = "none: no value for this image"
        elif std is not None:
            how = q.get("uncertainty") or how
        else:
            how = q.get("uncertainty") or _NO_ERROR
        if q.get("curved"):
            how += "; the log-log relation is curved: see the alerts"
        row = {
            "section": sec,
            "name": name,
            "label": label,
            "value": v,
            "std": std,
            "unit": q.get("unit", ""),
            "uncertainty": how,
        }
        if q.get("not_applicable"):
            row["not_applicable"] = q["not_applicable"]
        elif v is None:
            row["not_defined"] = _undefined_reason(q) or "not defined for this image"
        rows.append(row)
    return rows


def _undefined_reason(q: dict) -> str | None:
    m = re.search(r"Not defined for this image: (.*)$", q.get("explain", ""))
    return None if m is None else "not defined for this image: " + m.group(1)


_OUTSIDE = re.compile(r"Outside the possible range (\[[^\]]*\]) ?(\w+)?")


def mark_not_applicable(results: dict, estimates: dict | None = None) -> tuple[dict, list[str]]:
    """``results`` with every value outside its estimator's validity replaced by ``None``
    and a ``not_applicable`` reason (its error and interval dropped), and the alerts.

    A value is outside validity when its quantity says ``valid: False`` (with a
    ``reason``), when the library's estimate says so (``estimates[name].valid``), or
    when its explanation says "do not use this value" (outside [0, log2 K])."""
    out, alerts = {}, []
    for key, q in results.items():
        if q.get("not_applicable"):  # the measure said so itself
            out[key] = q
            why = " ".join(str(q["not_applicable"]).split()).rstrip(".")
            alerts.append(f"{key.replace('_', ' ')}: not applicable: {why}.")
            continue
        reason = None
        est = None if estimates is None else estimates.get(key[2:] if key.startswith("H_") else key)
        if est is not None and not getattr(est, "valid", True):
            reason = getattr(est, "reason", None) or "outside the estimator's validity"
        elif q.get("valid") is False:
            reason = q.get("reason") or "outside the estimator's validity"
        elif "do not use this value" in q.get("explain", ""):
            m = _OUTSIDE.search(q["explain"])
            reason = (
                f"the estimate falls outside the possible range {m.group(1)} {m.group(2) or ''}".strip()
                if m
                else "the estimator's assumptions do not hold for this image"
            )
        if reason is None or q.get("value") is None:
            out[key] = q
            continue
        reason = " ".join(str(reason).split()).rstrip(".")
        new = {k: v for k, v in q.items() if k not in ("std", "interval", "level")}
        new["value"] = None
        new["not_applicable"] = reason
        new["explain"] = re.sub(r"\s*Outside the possible range.*?do not use this value\.", "",
                                q.get("explain", "")).strip() or q.get("explain", "")
        out[key] = new
        alerts.append(f"{key.replace('_', ' ')}: not applicable: {reason}.")
    return out, alerts


def section_alerts(key: str, caught_messages, notes, results: dict) -> list[str]:
    """Every alert of one section, one line each, without repeats: the warnings raised,
    the measure's notes, and its values the image does not admit."""
    out = []
    for msg in list(caught_messages) + list(notes):
        msg = " ".join(str(msg).split())
        if msg and msg not in out:
            out.append(msg)
    for name, q in results.items():
        if q.get("value") is None and not q.get("not_applicable"):
            why = _undefined_reason(q)
            if why:
                line = f"{name.replace('_', ' ')}: {why}"
                if line not in out:
                    out.append(line)
    return out
