"""Slow all-pairs references for infopix.patterns.sample (small images only)."""

from __future__ import annotations

import numpy as np


def templates(img, eL, eW, tau):
    """All (eL x eW) templates with delay tau, row-major positions, as (P, eL, eW)."""
    H, W = img.shape
    NL, NW = H - (eL - 1) * tau, W - (eW - 1) * tau
    return np.array([[img[k + a * tau, n + b * tau] for a in range(eL) for b in range(eW)]
                     for k in range(NL) for n in range(NW)], dtype=float).reshape(-1, eL, eW)


def sample_entropy_counts(img, mL, mW, tau, r):
    """(A, B): pairs k < j of (mL+1) x (mW+1) templates at the H - mL*tau by W - mW*tau
    positions whose top-left mL x mW parts (A) / whole (B) are within Chebyshev < r."""
    img = np.asarray(img, dtype=float)
    H, W = img.shape
    NL, NW = H - mL * tau, W - mW * tau
    X = templates(img[: NL + mL * tau, : NW + mW * tau], mL + 1, mW + 1, tau)
    A = B = 0
    for k in range(len(X) - 1):
        dm = np.max(np.abs(X[k + 1:, :-1, :-1] - X[k, :-1, :-1]), axis=(1, 2))
        d1 = np.max(np.abs(X[k + 1:] - X[k]), axis=(1, 2))
        A += int(np.sum(dm < r))
        B += int(np.sum(d1 < r))
    return A, B
