"""``infopix patterns``: ordinal patterns (permutation entropy, complexity-entropy and
Fisher-Shannon planes, missing patterns), lacunarity, structural complexity and the
two-dimensional sample, fuzzy, distribution and dispersion entropies."""

from __future__ import annotations

from pathlib import Path

import math

import typer

from ..formatting import format_value as fv  # numbers without an error: 4 significant digits
from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    each_frame,
    print_frames,
    channel_option,
    command,
    console,
    force_option,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_json,
    pyplot,
    refuse_existing,
    run_seed,
    save_figure,
    write_json,
)

MEASURES = ("ordinal", "lacunarity", "structural", "sampen", "fuzzen", "disten", "dispen")
#: Python parameters of fuzzen/disten/dispen -> their CLI flags, for error messages
_ENTROPY_2D_FLAGS = {"m": "--template", "tau": "--tau", "r": "--tolerance", "membership": "--membership",
                     "bins": "--bins", "normalize": "--normalize", "classes": "--classes", "mapping": "--mapping",
                     "estimator": "--estimator", "base": "--base"}
_OUTPUTS = (".json", ".png", ".pdf", ".svg")
#: outputs holding the local map itself (ordinal with --map)
_MAP_OUTPUTS = (".npy", ".tif", ".tiff")


def _parse_sizes(text: str) -> list[int]:
    """``'1,2,4,8'`` or ``'START:STOP'`` (inclusive)."""
    t = text.strip()
    try:
        if ":" in t:
            a, b = (int(s) for s in t.split(":"))
            if b < a:
                raise ValueError
            return list(range(a, b + 1))
        out = [int(s) for s in t.split(",") if s.strip()]
        if not out:
            raise ValueError
        return out
    except ValueError:
        raise ValueError(f"`--sizes` expects START:STOP (inclusive) or a comma list of integers, got {text!r}.") from None


def _unc(value, std, interval, level) -> str:
    """The value rounded to its error (bold), its interval, or a note that it has none."""
    from infopix.formatting import format_interval, format_value

    if std is None:
        return f"[bold]{format_value(value)}[/bold] (no uncertainty: this estimator gives none)"
    txt = f"[bold]{format_value(value, std)}[/bold]"
    if interval is not None:
        txt += f", {100 * level:g}% interval {format_interval(interval[0], interval[1], std)}"
    return txt


def _entropy_2d(P, measure, img, label, *, m, tau, tolerance, r2, membership, bins, normalize, classes,
                mapping, estimator, base):
    """fuzzen, disten, dispen: (result fields, lines, plottable or None)."""
    try:
        if measure == "fuzzen":
            r = None if tolerance is None else (tolerance,) + (() if r2 is None else (r2,))
            if r is not None and len(r) == 1 and membership in ("default", "sigmoid", "modsampen", "bell", "trapezoidal2"):
                r = (tolerance, 2.0)  # EntropyHub's second default parameter
            e = P.fuzzy_entropy_2d(img, m=m, tau=tau, r=r, membership=membership, base=math.e if base is None else base)
        elif measure == "disten":
            b = int(bins) if bins.strip().isdigit() else bins
            e = P.distribution_entropy_2d(img, m=m, tau=tau, bins=b, normalize=2 if normalize is None else normalize,
                                          base=2.0 if base is None else base)
        else:
            e = P.dispersion_entropy_2d(img, m=m, tau=tau, classes=classes, mapping=mapping,
                                        base=math.e if base is None else base, estimator=estimator,
                                        normalized=bool(normalize))
    except (ValueError, TypeError) as exc:  # name the CLI flags, not the Python parameters
        msg = str(exc)
        for name, flag in _ENTROPY_2D_FLAGS.items():
            msg = msg.replace(f"`{name}`", f"`{flag}`")
        raise type(exc)(msg) from None
    mm = f"{e.m[0]}x{e.m[1]}"
    result = {"m": list(e.m), "tau": e.tau, "base": e.base, "value": e.value}
    if measure == "fuzzen":
        result.update(sum_m=e.sum_m, sum_m1=e.sum_m1, n_pairs=e.n_pairs, r=list(e.r), membership=e.membership,
                      uncertainty=e.uncertainty)
        lines = [f"{label}: FuzzEn2D (m = {mm}, tau = {e.tau}, {e.membership} membership, r = "
                 f"{', '.join(f'{x:.4g}' for x in e.r)}) = [bold]{e.value:.6g}[/bold] (base {e.base:.4g}; all "
                 f"{e.n_pairs} template pairs; no uncertainty attached)"]
        return result, lines, None
    if measure == "disten":
        result.update(bins=e.bins, counts=e.counts, edges=e.edges, n_pairs=e.n_pairs, normalize=e.normalize,
                      uncertainty=e.uncertainty)
        lines = [f"{label}: DistEn2D (m = {mm}, tau = {e.tau}, {e.bins} bins, normalize {e.normalize}) = "
                 f"[bold]{e.value:.6g}[/bold] (base {e.base:.4g}; all {e.n_pairs} template pairs; no uncertainty "
                 f"attached)"]
        return result, lines, e
    result.update(std=e.std, interval=e.interval, rde=e.rde, classes=e.classes, mapping=e.mapping,
                  estimator=e.estimator, n_observed=int(e.counts.size), n_outcomes=e.n_outcomes,
                  normalized=e.normalized,
                  uncertainty="entropy: the estimator's std/interval (None if it has none); RDE: none attached")
    lines = [f"{label}: DispEn2D ({e.estimator}; m = {mm}, tau = {e.tau}, {e.classes} classes, {e.mapping}) = "
             + _unc(e.value, e.std, e.interval, 0.95),
             f"  reverse dispersion entropy = {e.rde:.6g} (no uncertainty attached); {e.counts.size} of "
             f"{e.n_outcomes} patterns seen"]
    return result, lines, None


#: Why ``infopix patterns`` refuses volumes (the report's patterns section says the same).
VOLUMES_WHY = ("this command's ordinal patterns, lacunarity, structural complexity and 2-D sample "
               "entropies take 2-D images only (a volume's dz x dy x dx ordinal patterns: "
               "infopix.patterns.permutation_entropy(volume, dz=2) in Python)")


def _first_line(lines) -> str:
    """A per-frame table cell: the headline line (the one in bold, else the second) without
    its label and markup."""
    import re

    line = next((x for x in lines if "[bold]" in x), lines[1] if len(lines) > 1 else lines[0])
    return re.sub(r"\[/?bold\]", "", line.split(": ", 1)[-1] if line is lines[0] else line).strip()


@command("patterns")
@one_line_errors
def patterns_command(
    image: Path = image_argument(),
    measure: str = typer.Option("ordinal", "--measure", "-m",
                                help="ordinal | lacunarity | structural | sampen | fuzzen | disten | dispen (fuzzen and "
                                     "disten compare all template pairs: seconds at 128 x 128, minutes at 256 x 256)."),
    dx: int = typer.Option(2, "--dx", help="ordinal: pattern width (pixels)."),
    dy: int = typer.Option(2, "--dy", help="ordinal: pattern height (pixels); dx*dy <= 20."),
    taux: int = typer.Option(1, "--taux", help="ordinal: horizontal delay."),
    tauy: int = typer.Option(1, "--tauy", help="ordinal: vertical delay."),
    ties: str = typer.Option("stable", "--ties", help="ordinal: stable (first pixel ranks lower) | noise (random, --seed)."),
    seed: int = typer.Option(None, "--seed", help="ordinal: seed of the tie-breaking noise (--ties noise)."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="ordinal: entropy estimator (plugin, nsb, chao_shen, ...)."),
    map_radius: int = typer.Option(None, "--map", help="ordinal: also the local permutation-entropy map, this radius in "
                                   "patterns (window (2r+1)² patterns); -o .npy/.tif writes it, -o .png draws it."),
    edge: str = typer.Option("clip", "--edge", help="ordinal --map: windows at the edges of the pattern grid: clip | reflect | wrap."),
    base: float = typer.Option(None, "--base", "-b",
                               help="Logarithm base (ordinal, disten: 2; fuzzen, dispen: e; sampen reports nats)."),
    sizes: str = typer.Option(None, "--sizes", help="lacunarity: box sides as a comma list or START:STOP (default: 16 geometric)."),
    threshold: float = typer.Option(None, "--threshold", "-t", help="lacunarity: foreground is image > T (default: grey masses, or the bool image)."),
    factor: int = typer.Option(2, "--factor", help="structural: coarse-graining factor."),
    scales: int = typer.Option(None, "--scales", help="structural: number of coarse-graining steps (default: all)."),
    m: str = typer.Option("2", "--template", help="sampen: template side m, or HEIGHT,WIDTH (compared with m+1)."),
    tau: int = typer.Option(1, "--tau", help="sampen: delay between template elements."),
    tolerance: float = typer.Option(None, "--tolerance", help="sampen: match tolerance r (default 0.2 * std of the image); "
                                    "fuzzen: first membership parameter."),
    r2: float = typer.Option(None, "--r2", help="fuzzen: second membership parameter (default 2 where one is needed)."),
    membership: str = typer.Option("default", "--membership", help="fuzzen: EntropyHub's Fx (default, sigmoid, gaussian, ...)."),
    bins: str = typer.Option("sturges", "--bins", help="disten: number of bins, or sturges | sqrt | rice | doanes."),
    normalize: int = typer.Option(None, "--normalize",
                                  help="disten: EntropyHub's Norm 0-3 (default 2); dispen: 1 to normalise (default 0)."),
    classes: int = typer.Option(3, "--classes", help="dispen: number of symbols."),
    mapping: str = typer.Option("ncdf", "--mapping", help="dispen: ncdf | linear | equal."),
    channel: str = channel_option(),
    as_json: bool = json_option(),
    out: Path = typer.Option(None, "--out", "-o", help="Write the result: .json (numbers) or .png/.pdf/.svg (plot)."),
    force: bool = force_option("Overwrite an existing output."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    per_frame: bool = PER_FRAME_OPTION,
):
    """Patterns and complexity of IMAGE.

    2-D images only (a volume is refused, saying why); a series (axes tyx) with
    --per-frame gives one result per frame.

    Example: infopix patterns photo.png -m ordinal --dx 3 --dy 3 -e nsb -o plane.png

    Example: infopix patterns photo.png -m ordinal --map 5 -o local_pe.tif

    Example: infopix patterns photo.png -m dispen --template 2 --classes 4 -e nsb
    """
    import infopix.patterns as P

    if measure not in MEASURES:
        raise ValueError(f"`--measure` expects one of {', '.join(MEASURES)}, got {measure!r}.")
    if map_radius is not None and measure != "ordinal":
        raise ValueError(f"`--map` is a map of ordinal patterns: use it with --measure ordinal, got --measure {measure}.")
    if map_radius is not None and per_frame:
        raise ValueError("`--map` writes one map: use it without --per-frame (or pass one frame).")
    if out is not None and out.suffix.lower() in _MAP_OUTPUTS and map_radius is None:
        raise ValueError(f"`--out` {str(out)!r} holds a local map: add --map RADIUS (with --measure ordinal), or "
                         f"write .json, .png, .pdf or .svg.")
    if out is not None and out.suffix.lower() not in _OUTPUTS + _MAP_OUTPUTS:
        raise ValueError(f"`--out` expects a .json, .png, .pdf or .svg file (.npy, .tif with --map), got {str(out)!r}.")
    refuse_existing(out, force=force)
    if per_frame and out is not None and out.suffix.lower() != ".json":
        raise ValueError(f"`--out` with --per-frame expects a .json file (one result per frame), got {str(out)!r}.")
    img, label = load_image(image, channel, axes=axes, max_pixels=max_pixels, per_frame=per_frame,
                            volumes=VOLUMES_WHY)
    base_in = base
    if measure == "ordinal" and ties == "noise":  # recorded: passing it back reproduces the noise
        seed = run_seed(seed)

    def one(frame, lab):
        base = base_in
        result = {"image": lab, "shape": list(frame.shape), "measure": measure}
        if measure == "ordinal":
            base = 2.0 if base is None else base
            omap = None
            try:
                d = P.ordinal_distribution(frame, dx=dx, dy=dy, taux=taux, tauy=tauy, ties=ties, rng=seed)
                pe = P.permutation_entropy(d, estimator=estimator, base=base)
                if map_radius is not None:
                    omap = P.local_permutation_entropy(frame, map_radius, dx=dx, dy=dy, taux=taux, tauy=tauy,
                                                       ties=ties, rng=seed, estimator=estimator, edge=edge)
            except (ValueError, TypeError) as exc:  # name the CLI flags, not the Python parameters
                msg = str(exc).replace("`radius`", "`--map`")
                for name in ("taux", "tauy", "dx", "dy", "ties", "estimator", "base", "edge"):
                    msg = msg.replace(f"`{name}`", f"`--{name}`")
                raise type(exc)(msg) from None
            raw = pe.estimate
            plane = P.complexity_entropy_plane(d)
            fs = P.fisher_shannon(d)
            miss = P.missing_patterns(d)
            plottable = plane
            result.update(
                dx=dx, dy=dy, taux=taux, tauy=tauy, ties=ties, seed=seed if ties == "noise" else None,
                n_outcomes=d.n_outcomes, n_windows=d.n_windows,
                n_observed=d.n_observed, estimator=pe.estimator, base=base,
                permutation_entropy={"normalized": pe.value, "std": pe.std, "interval": pe.interval, "level": pe.level,
                                     "value": raw.value, "value_std": raw.std, "value_interval": raw.interval},
                plugin_entropy=plane.entropy, statistical_complexity=plane.complexity,
                disequilibrium=plane.disequilibrium, fisher_information=fs.fisher,
                missing_patterns=miss.n_missing, missing_fraction=miss.fraction,
                missing_fraction_noise=miss.expected_fraction,
                uncertainty="permutation entropy: the estimator's std/interval (None if it has none); complexity, "
                            "Fisher information and missing patterns are exact functionals of the observed patterns "
                            "(no uncertainty attached)",
            )
            lines = [
                f"{lab}: {dy}x{dx} ordinal patterns (delays {tauy}, {taux}), {d.n_windows} windows, "
                f"{d.n_observed} of K = {d.n_outcomes} patterns seen",
                f"  permutation entropy ({pe.estimator}, normalised) = "
                + _unc(pe.value, pe.std, pe.interval, pe.level),
                f"  plug-in H = {fv(plane.entropy)}, statistical complexity C = {fv(plane.complexity)}, "
                f"Fisher information F = {fv(fs.fisher)} (plug-in functionals, no uncertainty)",
                f"  missing patterns: {miss.n_missing} ({100 * miss.fraction:.4g}%; as many independent windows "
                f"of noise: {100 * miss.expected_fraction:.4g}% expected)",
            ]
            if omap is not None:
                oy, ox = P.pattern_grid_offset(dx=dx, dy=dy, taux=taux, tauy=tauy)
                w = 2 * map_radius + 1
                result["local_map"] = {
                    "radius": map_radius, "edge": edge, "estimator": pe.estimator, "normalized": True,
                    "shape": list(omap.shape), "offset": [oy, ox], "min": float(omap.min()),
                    "mean": float(omap.mean()), "max": float(omap.max()), "out": None,
                    "uncertainty": "none attached: a map of per-window estimates (min, mean and max are over positions)",
                }
                lines.append(
                    f"  local permutation entropy map ({pe.estimator}, normalised; {w}x{w} patterns a window, {edge}): "
                    f"{omap.shape[0]}x{omap.shape[1]} values, one per pattern anchor (centred {oy:g}, {ox:g} px "
                    f"below/right of the anchor); min {omap.min():.4g}, mean {omap.mean():.4g}, max {omap.max():.4g} "
                    f"(no uncertainty attached)"
                )
                plottable = _PlaneAndMap(plane, omap, dict(dx=dx, dy=dy, taux=taux, tauy=tauy), map_radius)
        elif measure == "lacunarity":
            sz = None if sizes is None else _parse_sizes(sizes)
            try:
                L = P.lacunarity(frame, sz, threshold=threshold)
            except (ValueError, TypeError) as exc:
                raise type(exc)(str(exc).replace("`sizes`", "`--sizes`").replace("`threshold`", "`--threshold`")) from None
            plottable = L
            result.update(
                sizes=L.sizes, lacunarity=L.lacunarity, mean_mass=L.mean_mass, n_boxes=L.n_boxes, slope=L.slope,
                slope_stderr=L.slope_stderr, r2=L.r2, binary=L.binary, threshold=threshold,
                uncertainty="Lambda(r) counts every box (no sampling uncertainty); slope_stderr is the fit's",
            )
            from infopix.formatting import format_value

            slope = format_value(L.slope, None if L.slope_stderr != L.slope_stderr else L.slope_stderr)
            lines = [
                f"{lab}: {'binary' if L.binary else 'grey'} lacunarity at {L.sizes.size} box sides "
                f"{int(L.sizes[0])}..{int(L.sizes[-1])} px",
                "  " + ", ".join(f"Λ({int(r)}) = {v:.4g}" for r, v in zip(L.sizes, L.lacunarity)),
                f"  log-log slope = [bold]{slope}[/bold] (R² = {L.r2:.4f}); Λ counts every box "
                f"(no sampling uncertainty)",
            ]
        elif measure in ("sampen", "fuzzen", "disten", "dispen"):
            try:
                mm = tuple(int(x) for x in m.split(","))
                if len(mm) not in (1, 2):
                    raise ValueError
            except ValueError:
                raise ValueError(f"`--template` expects a template side or HEIGHT,WIDTH, got {m!r}.") from None
            if measure in ("fuzzen", "disten", "dispen"):
                extra, lines, plottable = _entropy_2d(
                    P, measure, frame, lab, m=mm[0] if len(mm) == 1 else mm, tau=tau, tolerance=tolerance, r2=r2,
                    membership=membership, bins=bins, normalize=normalize, classes=classes, mapping=mapping,
                    estimator=estimator, base=base)
                result.update(extra)
            else:
                try:
                    se = P.sample_entropy_2d(frame, m=mm[0] if len(mm) == 1 else mm, tau=tau, r=tolerance)
                except (ValueError, TypeError) as exc:
                    msg = str(exc).replace("`m`", "`--template`").replace("`tau`", "`--tau`").replace("`r`", "`--tolerance`")
                    raise type(exc)(msg) from None
                plottable = None
                result.update(
                    m=list(se.m), tau=se.tau, r=se.r, sample_entropy=se.value, matches_m=se.matches_m,
                    matches_m1=se.matches_m1, n_templates=se.n_templates, n_pairs=se.n_pairs, unit="nats",
                    uncertainty="none attached: template pairs share templates (exact counts A and B given)",
                )
                lines = [
                    f"{lab}: SampEn2D (m = {se.m[0]}x{se.m[1]}, tau = {se.tau}, r = {se.r:.4g}) = "
                    f"[bold]{fv(se.value)}[/bold] nats",
                    f"  {se.matches_m1} of {se.matches_m} matching {se.m[0]}x{se.m[1]} template pairs still match at "
                    f"{se.m[0] + 1}x{se.m[1] + 1} ({se.n_templates} templates; exact counts, no uncertainty attached)",
                ]
        else:
            try:
                S = P.structural_complexity(frame, factor=factor, n_scales=scales)
            except (ValueError, TypeError) as exc:
                raise type(exc)(str(exc).replace("`factor`", "`--factor`").replace("`n_scales`", "`--scales`")) from None
            plottable = S
            result.update(
                factor=S.factor, partial=S.partial, total=S.total, block_sides=S.block_sides, overlaps=S.overlaps,
                uncertainty="a deterministic functional of the image (no uncertainty attached)",
            )
            lines = [
                f"{lab}: structural complexity C = [bold]{fv(S.total)}[/bold] (intensity², factor {S.factor}, "
                f"{S.partial.size} scales; deterministic, no uncertainty)",
                "  " + ", ".join(f"C_{k} = {c:.4g}" for k, c in enumerate(S.partial)),
            ]
        return result, (lines, plottable)

    if per_frame:
        rows, texts = each_frame(img, one, label=label)
        rows = [{k: v for k, v in r.items() if k not in ("shape", "measure")} for r in rows]
        if out is not None:
            write_json(out, {"image": label, "shape": list(img.shape), "axes": "tyx", "per_frame": True,
                             "measure": measure, "frames": rows}, force=force)
        print_frames(label, img.shape, rows,
                     {"result": lambda r: _first_line(texts[r["frame"]][0])},
                     as_json=as_json, head={"measure": measure})
        return
    result, (lines, plottable) = one(img, label)
    if out is not None:
        if out.suffix.lower() in _MAP_OUTPUTS:
            _write_map(out, plottable.omap, image, result, force)
            lines.append(f"  map written to {out} (float64; the TIFF's description records how it was made)")
        elif out.suffix.lower() == ".json":
            write_json(out, result, force=force)
        else:
            if plottable is None:
                raise ValueError(f"`--out` {str(out)!r}: --measure {measure} has no plot; use a .json file.")
            pyplot()  # the Agg backend before the result draws
            save_figure(plottable.plot().figure, out, force=force)
    if as_json:
        print_json(result)
    else:
        for line in lines:
            console.print(line)


class _PlaneAndMap:
    """The complexity-entropy plane and the local map side by side (``-o fig.png --map``)."""

    def __init__(self, plane, omap, pattern, radius):
        self.plane, self.omap, self.pattern, self.radius = plane, omap, pattern, radius

    def plot(self):
        from infopix.patterns import plot_ordinal_map

        fig, axes = pyplot().subplots(1, 2, figsize=(10, 4))
        self.plane.plot(ax=axes[0])
        p = self.pattern
        plot_ordinal_map(self.omap, ax=axes[1], **p, title=f"local permutation entropy ({p['dy']}x{p['dx']}, "
                         f"r = {self.radius})", label="H / log K (dimensionless)")
        return axes[0]


def _write_map(out: Path, omap, image: Path, result: dict, force: bool) -> None:
    """The map as .npy or .tif (the TIFF's description records how it was made)."""
    import infopix
    from infopix.provenance import KEY, record

    info = result["local_map"]
    info["out"] = str(out)
    params = {k: result[k] for k in ("dx", "dy", "taux", "tauy", "ties", "seed")}
    params.update(radius=info["radius"], edge=info["edge"], normalized=True, offset=info["offset"])
    prov = record(command="patterns", input=image, unit="1", estimator=info["estimator"], parameters=params)
    meta = {KEY: prov} if out.suffix.lower() in (".tif", ".tiff") else None
    infopix.write_image(out, omap, metadata=meta, force=force)
