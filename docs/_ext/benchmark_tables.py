"""Sphinx directive ``.. benchmark-tables:: NAME``: a benchmark's JSON results as tables.

The benchmarks in ``benchmarks/`` write their results to ``benchmarks/results/*.json``;
this directive reads one of them when the documentation is built and renders its
tables, so the Benchmarks page always shows the committed numbers and nothing is
copied by hand. Each renderer returns reStructuredText; a missing results file is a
build error (``-W``), not an empty section.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.errors import ExtensionError
from sphinx.util.nodes import nested_parse_with_titles

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


# ----------------------------------------------------------------------------- helpers
def pct(value, digits=1):
    return "—" if value is None or _nan(value) else f"{100 * value:.{digits}f}%"


def num(value, fmt=".3f"):
    return "—" if value is None or _nan(value) else format(value, fmt)


def mean_std(entry, fmt=".3f"):
    if not entry:
        return "—"
    return f"{entry['mean']:{fmt}} ± {entry['std']:{fmt}}"


def seconds(value):
    if value is None or _nan(value):
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def ratio(value):
    return (
        "—"
        if value is None or _nan(value)
        else f"{value:,.0f}×"
        if value >= 10
        else (f"{value:.2f}×")
    )


def _nan(value):
    return isinstance(value, float) and math.isnan(value)


def table(header, rows, title=None):
    """An rst list-table."""
    lines = [f".. list-table:: {title}" if title else ".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return "\n".join(lines) + "\n"


def bullets(items):
    return "\n".join(f"* {item}" for item in items) + "\n"


# ----------------------------------------------------------------------------- renderers
def render_tsang_suite(data):
    per = data["summary"]["per_function"]
    published = data["published_pairwise_auc"]
    header = [
        "function",
        "pairwise AUC",
        "T-NID (paper)",
        "NID (paper)",
        "3-way AUC",
        "4-way AUC",
        "5-way AUC",
        "test R²",
    ]
    rows = []
    for i, (name, entry) in enumerate(per.items()):
        rows.append(
            [
                name,
                mean_std(entry["pairwise_auc"]),
                num(published["T-NID"][i]),
                num(published["NID"][i]),
                mean_std(entry["auc_3way"]),
                mean_std(entry["auc_4way"]),
                mean_std(entry["auc_5way"]),
                num(entry["test_r2"]["mean"], ".4f"),
            ]
        )
    overall = data["summary"]["overall"]
    rows.append(
        [
            "**mean**",
            f"**{num(overall['pairwise_auc'])}**",
            num(sum(published["T-NID"]) / 10),
            num(sum(published["NID"]) / 10),
            num(overall["auc_3way"]),
            num(overall["auc_4way"]),
            num(overall["auc_5way"]),
            num(overall["test_r2"], ".4f"),
        ]
    )
    trials = len(data["trials_detail"]) // max(len(per), 1)
    note = (
        f"{trials} trials per function (mean ± std), {data['jobs']} worker processes × "
        f"{data['threads_per_job']} torch thread(s); the whole run took "
        f"{data['wall_seconds'] / 60:.1f} min."
    )
    return note + "\n\n" + table(header, rows)


def render_peers(data):
    summary = data["summary"]
    methods = list(summary["mean_auc"])
    header = ["function", *methods]
    rows = [
        [name, *(mean_std(entry["auc"].get(m)) for m in methods)]
        for name, entry in summary["per_function"].items()
    ]
    rows.append(["**mean AUC**", *(f"**{num(summary['mean_auc'][m])}**" for m in methods)])
    rows.append(
        ["explanation time (total)", *(seconds(summary["total_seconds"][m]) for m in methods)]
    )
    rows.append(["time / T-NID", *(ratio(summary["time_ratio_to_tnid"][m]) for m in methods)])
    targets = [
        f"{name}: {'met' if entry['met'] else 'missed'}"
        for name, entry in summary["targets"].items()
    ]
    versions = ", ".join(f"{k} {v}" for k, v in data["versions"].items())
    return (
        f"{versions}; {data['threads']} thread(s); {data['wall_seconds'] / 60:.1f} min.\n\n"
        + table(header, rows)
        + "\nTargets:\n\n"
        + bullets(targets)
    )


def render_speed(data):
    out = []
    hessians = [r for r in data["results"] if r["kind"] == "hessian"]
    if hessians:
        rows = [
            [
                r["d"],
                r["B"],
                seconds(r["ours_s"]),
                seconds(r["naive_s"]),
                seconds(r["functional_s"]),
                ratio(r["speedup_vs_naive"]),
                ratio(r["speedup_vs_functional"]),
                f"{r['peak_extra_mb']:.0f} MB",
            ]
            for r in hessians
        ]
        out.append(
            table(
                [
                    "d",
                    "points",
                    "sk_interact",
                    "naive loop",
                    "autograd.functional",
                    "× naive",
                    "× functional",
                    "peak memory",
                ],
                rows,
                "Full Hessians (part 1)",
            )
        )
    mixed = [r for r in data["results"] if r["kind"] == "mixed_partials"]
    if mixed:
        rows = [
            [
                r["order"],
                r["sets"],
                r["set_kind"],
                seconds(r["ours_s"]),
                seconds(r["naive_s"]),
                seconds(r["per_set_vmap_s"]),
                ratio(r["speedup_vs_naive"]),
                ratio(r["speedup_vs_per_set_vmap"]),
            ]
            for r in mixed
        ]
        out.append(
            table(
                [
                    "order",
                    "sets",
                    "sets from",
                    "sk_interact",
                    "naive loop",
                    "vmap per set",
                    "× naive",
                    "× vmap per set",
                ],
                rows,
                "Mixed partials at 4 points, d = 100 (part 1)",
            )
        )
    if "scale" in data:
        out.append(render_scale(data["scale"]))
    if "throughput" in data:
        out.append(render_throughput(data["throughput"]))
    if data.get("targets"):
        out.append("Targets:\n\n" + bullets(data["targets"]))
    return "\n".join(out)


def render_scale(scale):
    rows = []
    for r in scale["results"]:
        sets = " + ".join(f"{count:,}" for count in r["sets"].values())
        rows.append(
            [
                f"{r['d']:,}",
                r["order"],
                sets,
                r["representatives"],
                seconds(r["rank_s"]),
                seconds(r["detect_s"]),
                f"{r['peak_extra_mb']:,.0f} MB",
                r["planted_pair_rank"] or "—",
            ]
        )
    text = table(
        [
            "d",
            "order",
            "sets ranked",
            "representatives",
            "Algorithm 1",
            "whole re-fit",
            "peak memory",
            "planted pair's rank",
        ],
        rows,
        f"T-NID detection at scale (part 2, {scale['threads']} thread(s))",
    )
    return text + "\nTargets:\n\n" + bullets(scale["targets"])


def render_throughput(throughput):
    r = throughput["results"]
    rows = []
    for name, label in (
        ("ensemble", f"one module, n_estimators={r['members']}"),
        ("sequential", f"{r['members']} sequential fits"),
    ):
        part = r[name]
        rows.append(
            [
                label,
                seconds(part["fit_s"]),
                seconds(part["train_s"]),
                ", ".join(str(e) for e in part["epochs"]),
            ]
        )
    text = table(
        ["training", "fit", "of which training", "epochs"],
        rows,
        f"Training throughput on F1 (part 3, {throughput['threads']} thread(s))",
    )
    text += (
        f"\nOne module is {r['fit_ratio']:.2f}× faster to fit "
        f"({r['per_member_epoch_ratio']:.2f}× per network-epoch).\n"
    )
    return text + "\nTargets:\n\n" + bullets(throughput["targets"])


def render_second_glance_uci(data):
    header = [
        "data",
        "M1",
        "M1 accuracy / recall / F1",
        "surrogate R²",
        "paper protocol (proba)",
        "Taylor (logit)",
        "Taylor, \\|φ\\|-weighted",
    ]
    rows = []
    for name, entry in data["datasets"].items():
        for config, c in entry["configs"].items():
            surrogate = next(m for m in c["methods"] if m["method"] == "surrogate")
            hidden = "-".join(str(h) for h in c["params"].get("primary_hidden", (64, 64, 64)))
            rows.append(
                [
                    name,
                    f"{hidden} ({config})",
                    f"{pct(c['m1_accuracy'])} / {pct(c['m1_recall'])} / {num(c['m1_f1'], '.2f')}",
                    num(c["surrogate_r2"]),
                    pct(surrogate["paper_proba"]),
                    pct(surrogate["taylor_logit"]),
                    pct(surrogate["taylor_weighted"]),
                ]
            )
    methods = [
        [m["method"], pct(m["paper_logit"]), pct(m["taylor_logit"]), pct(m["taylor_weighted"])]
        for m in data["planted"]["methods"]
    ]
    return (
        table(header, rows, "UCI Bank Marketing and Adult")
        + "\n"
        + table(
            ["method", "paper protocol", "Taylor", "Taylor, \\|φ\\|-weighted"],
            methods,
            "Planted y = 2·x0·x1 − 2·x2·x3 + x4",
        )
        + f"\nWall time {data['wall_seconds'] / 60:.1f} min on "
        f"{data['machine']['torch_threads']} torch threads.\n"
    )


def hit_rate(scores):
    """A Table 3 hit rate with its 95% interval."""
    lo, hi = scores["ci95"]
    return f"{pct(scores['rate'])} ({pct(lo, 0)}–{pct(hi, 0)})"


def table3_cells(qtype, r, paper):
    """The columns both Sort-of-CLEVR tables open with (see ``TABLE3_HEADER``)."""
    return [
        qtype,
        r["n"],
        hit_rate(r["taylor_cam"]),
        pct(paper["taylor_cam"], 0),
        hit_rate(r["grad_cam_star"]),
        pct(paper["grad_cam_star"], 0),
    ]


TABLE3_HEADER = [
    "question",
    "explained",
    "Taylor-CAM top-1 (95% CI)",
    "paper",
    "Grad-CAM* top-2 (95% CI)",
    "paper",
]


def where(device):
    """A result's device: a GPU's name, or "CPU" for a processor name."""
    return "CPU" if device in (None, "", "cpu", "x86_64", "aarch64") else device


ACTIVATIONS = {"gelu": "GELU", "relu": "ReLU"}


def render_sort_of_clevr(data):
    training = data["training"]
    accuracy = ", ".join(f"{k} {pct(v)}" for k, v in data["accuracy"].items())
    header = [
        *TABLE3_HEADER,
        "GLIDER (paper)",
        "Eq. 5 global sum",
        "logit scale",
        "chance",
        "top pair on two objects",
        "top pair touches the queried object",
        "its partner: the answer object / the runner-up",
        "looser reading: Taylor-CAM / Grad-CAM*",
        "receptive-field boxes: Taylor-CAM / Grad-CAM* (chance)",
    ]
    rows = []
    for qtype, r in data["hit_rates"].items():
        paper = data["paper"][qtype]
        receptive = (
            f"{pct(r['taylor_cam'].get('rate_receptive'), 0)} / "
            f"{pct(r['grad_cam_star'].get('rate_receptive'), 0)} "
            f"({pct(r.get('chance_receptive'), 0)})"
        )
        rows.append(
            [
                *table3_cells(qtype, r, paper),
                pct(paper["glider"], 0),
                pct(r["taylor_cam_global"]["rate"]),
                pct(r["taylor_cam_logit"]["rate"]),
                pct(r["chance"]),
                pct(r["taylor_cam"].get("on_two_objects"), 0),
                pct(r["taylor_cam"].get("touches_query"), 0),
                partners(r["taylor_cam"]),
                f"{pct(r['taylor_cam'].get('rate_covers'), 0)} / "
                f"{pct(r['grad_cam_star'].get('rate_covers'), 0)}",
                receptive,
            ]
        )
    timing = data["timing"]
    threads = f"{data['threads']} thread" + ("s" if data["threads"] > 1 else "")
    settings = data.get("settings", {})
    network = (
        f"``g`` {settings.get('g_layers', 4)} × {settings.get('g_width', '?')}, "
        f"{ACTIVATIONS.get(settings.get('activation', 'gelu'), '?')}, "
        f"seed {settings.get('seed', 0)}"
    )
    return (
        f"Relation network ({network}) trained for {training['epochs']} epochs in "
        f"{training['seconds'] / 60:.0f} min on {where(training.get('device'))}; explained "
        f"and timed on {where(data.get('device'))} ({threads}); test accuracy "
        f"{accuracy}.\n\n"
        + table(header, rows)
        + f"\nHessian-CAM takes {seconds(timing['ours_s_per_image'])} per image batched, "
        f"against {seconds(timing['functional_s_per_image'])} with "
        "``torch.autograd.functional.hessian`` per image: "
        f"{ratio(timing['speedup'])} (same saliences to "
        f"{timing['max_rel_difference']:.0e}).\n\nTargets:\n\n" + bullets(data["targets"])
    )


def partners(scores):
    """How often the top pair's partner is the answer object, and the runner-up."""
    ranks = scores.get("partner_ranks")
    if ranks is None:
        return "—"
    return f"{ranks.get('1', 0)} / {ranks.get('2', 0)}"


def render_sort_of_clevr_objects(data):
    accuracy = ", ".join(f"{k} {pct(v)}" for k, v in data["accuracy"].items())
    header = [
        *TABLE3_HEADER,
        "logit scale",
        "chance",
        "top pair touches the queried object",
        "its partner: the answer object / the runner-up",
    ]
    rows = []
    for qtype, r in data["hit_rates"].items():
        paper = data["paper"][qtype]
        rows.append(
            [
                *table3_cells(qtype, r, paper),
                pct(r["taylor_cam_logit"]["rate"]),
                pct(r["chance"]),
                pct(r["taylor_cam"]["touches_query"], 0),
                partners(r["taylor_cam"]),
            ]
        )
    training = data["training"]
    return (
        f"Relation network on state descriptions, {training['epochs']} epochs in "
        f"{training['seconds'] / 60:.0f} min ({data['threads']} thread); test accuracy "
        f"{accuracy}.\n\n" + table(header, rows)
    )


def render_categorical(data):
    runs = data["runs"]
    methods = list(dict.fromkeys(r["method"] for r in runs))
    rows = []
    for method in methods:
        mine = [r for r in runs if r["method"] == method]
        aucs = [r["auc"] for r in mine]
        mean = sum(aucs) / len(aucs)
        std = (sum((a - mean) ** 2 for a in aucs) / max(len(aucs) - 1, 1)) ** 0.5
        time = sum(r["seconds"] for r in mine) / len(mine)
        rows.append([method, f"{mean:.3f} ± {std:.3f}", seconds(time)])
    seeds = len({r["seed"] for r in runs})
    text = table(
        ["method", "column-level pairwise AUC", "wall time"],
        rows,
        f"Planted Adult targets: {seeds} seeds, {data['n_samples']} rows, "
        f"torch threads {data['threads']}",
    )
    real = data["real"]
    top = real["grouped"]["top"]
    rows = [
        [
            str(rank),
            " × ".join(r["features"]),
            num(r["strength"], ".3g"),
            ", ".join(f"{k} ({pct(v)})" for k, v in r["levels"].items()),
            pct(r.get("rare_share")),
        ]
        for rank, r in enumerate(top, start=1)
    ]
    text += "\n" + table(
        [
            "rank",
            "interaction",
            "strength",
            "largest level pair (share of rows)",
            "most strength on one level in < 1% of rows",
        ],
        rows,
        "Real Adult target (income), raw columns: held-out accuracy "
        f"{real['grouped']['validation_accuracy']:.3f}",
    )
    flat = real["dummies"]["top"]
    rows = [
        [
            str(rank),
            " × ".join(r["features"]),
            num(r["strength"], ".3g"),
            ", ".join(pct(v) for v in r["levels"].values()),
        ]
        for rank, r in enumerate(flat, start=1)
    ]
    text += "\n" + table(
        ["rank", "interaction", "strength", "shares of rows"],
        rows,
        "The same, each pandas.get_dummies column its own feature",
    )
    for sig in real.get("significance", []):
        planted = {tuple(p) for p in sig.get("planted") or []}
        rows = [
            [
                " × ".join(r["features"])
                + (" (planted)" if tuple(sorted(r["features"])) in planted else ""),
                num(r["strength"], ".3g"),
                num(r["q_value"], ".3g"),
            ]
            for r in sig["selected"]
        ]
        metric = "R²" if sig["task"] == "regression" else "accuracy"
        text += "\n" + table(
            ["interaction", "strength", "q-value"],
            rows or [["(none)", "—", "—"]],
            f"Adult, target {sig['target']} ({sig['task']}): selected at FDR 0.1 (first "
            f"{sig['rows']} rows, held-out {metric} {sig['validation_score']:.3f}): "
            f"{len(sig['selected'])} of {sig['tested']}",
        )
    return text


def fdr_cells(e):
    """An empirical FDR with its 95% interval, and the share of additive runs with a
    discovery (— where the runs had no additive function)."""
    additive = e["runs_with_discovery_additive"]
    return [
        f"{e['fdr']:.3f} [{e['low']:.3f}, {e['high']:.3f}]",
        "—" if additive is None else f"{additive:.2f}",
    ]


def calibration_table(calibration, sets, title):
    """KS distance and small shares of the p-values of sets that are not interactions."""
    rows = [
        [label, str(e["n"]), num(e["ks"]), num(e["below_0.05"]), num(e["below_0.1"])]
        for label, e in calibration.items()
    ]
    return table(
        [f"{sets} that are not interactions", "p-values", "KS distance", "≤ 0.05", "≤ 0.1"],
        rows,
        title,
    )


def render_significance(data):
    summary, meta = data["summary"], data["meta"]
    text = calibration_table(
        summary["calibration"],
        "pairs",
        f"Calibration ({meta.get('task', 'regression')}, {meta['seeds']} seeds, "
        f"{meta['n_samples']} rows, torch threads "
        f"{meta['threads']})",
    )
    rows = []
    for level, f in summary["fdr"].items():
        p = summary["power"][level]
        rows.append([level, *fdr_cells(f), f"{p['power']:.2f} ({p['pairs']} pairs)"])
    text += "\n" + table(
        ["nominal FDR", "empirical FDR [95%]", "additive runs with a discovery", "power"],
        rows,
        "FDR and power (F1–F10 and two additive functions)",
    )
    phases = ("boosting", "ensemble", "statistics")
    split = all("ensemble_s" in c for c in summary["cost"].values())
    rows = []
    for name, c in summary["cost"].items():
        row = [name, seconds(c["plain_s"]), seconds(c["significance_s"]), ratio(c["ratio"])]
        if split:
            row += [seconds(c[f"{phase}_s"]) for phase in phases]
            row.append(f"{c['plain_epochs']} / {c['ensemble_epochs']}")
        rows.append(row)
    if rows:
        header = ["function", "plain fit", "with significance", "ratio"]
        if split:
            header += ["boosting", "null ensemble", "statistics", "epochs: plain / ensemble"]
        threads = meta.get("cost_threads", meta["threads"])  # --cost-only re-times alone
        text += "\n" + table(header, rows, f"Cost (one process, torch threads {threads})")
    return text


def render_significance_methods(data):
    summary, meta = data["summary"], data["meta"]
    rows = []
    for method, entry in summary.items():
        cost = entry["cost"]
        for level in ("0.05", "0.1", "0.2"):
            e = entry[level]
            rows.append(
                [
                    method,
                    level,
                    *fdr_cells(e),
                    f"{e['power']:.2f} ({e['pairs']} pairs)",
                    f"{ratio(cost['median'])} ({ratio(cost['low'])}–{ratio(cost['high'])})",
                ]
            )
    return table(
        [
            "method",
            "nominal FDR",
            "empirical FDR [95%]",
            "additive runs with a discovery",
            "power",
            "cost: median (range)",
        ],
        rows,
        f"Candidates for significance (F1–F10 and two additive functions, {meta['seeds']} "
        f"seeds, {meta['n_samples']} rows, torch threads {meta['threads']})",
    )


def render_significance_classes(data):
    summary, meta = data["summary"], data["meta"]
    rows = []
    for name, entry in summary.items():
        shipped, median = entry["shipped"], entry["median_gap"]
        found = (
            f"{shipped['planted_found']} / {entry['planted']} ({median['planted_found']})"
            if entry["planted"]
            else "—"
        )
        rows.append(
            [
                f"``{name}``",
                entry["set"],
                str(entry["runs"]),
                f"{entry['validation_score']:.3f}",
                f"{shipped['runs_with_false']} ({median['runs_with_false']})",
                f"{shipped['false']} ({median['false']})",
                found,
            ]
        )
    out = table(
        [
            "function",
            "set",
            "runs",
            "held-out accuracy",
            "runs with a false discovery (median gap)",
            "false discoveries (median gap)",
            "planted pairs found (median gap)",
        ],
        rows,
        f"Small tables with labels the features nearly determine, FDR 0.1 "
        f"({meta['n_samples']} rows, torch threads {meta['threads']}; in parentheses the "
        "median gap, on the same networks)",
    )
    if "pooled" not in data:
        return out
    pooled = [
        [
            label,
            str(entry["runs"]),
            str(entry["runs_with_false"]),
            f"{entry['share']:.2f} ({entry['low']:.2f}–{entry['high']:.2f})",
            f"{entry['fdr']:.3f}",
        ]
        for label, entry in data["pooled"].items()
    ]
    return (
        out
        + "\n"
        + table(
            ["tables", "runs", "runs with a false discovery", "share (95% interval)", "FDR"],
            pooled,
            "The same runs pooled by kind of table (shipped method; Clopper–Pearson intervals; "
            "FDR: the mean over runs of the share of selected pairs that are false)",
        )
    )


def render_significance_order3(data):
    summary, meta = data["summary"], data["meta"]
    out = calibration_table(
        summary["calibration"],
        "sets",
        f"Calibration at order 3 ({meta.get('task', 'regression')}, ``order=3`` fits, "
        f"{meta['seeds']} seeds, "
        f"{meta['n_samples']} rows, torch threads {meta['threads']})",
    )
    rows = []
    for level, entry in summary["fdr"].items():
        for order, e in entry.items():
            power = "—" if e["power"] is None else f"{e['power']:.2f} ({e['sets_for_power']})"
            sets = "every order" if order == "all" else f"order {order}"
            rows.append([level, sets, *fdr_cells(e), power])
    out += "\n" + table(
        ["nominal FDR", "sets", "empirical FDR [95%]", "additive runs with a discovery", "power"],
        rows,
        f"FDR and power at order 3 ({', '.join(summary['per_function'])}; power: true sets "
        "holding ≥ 1% of the target's variance)",
    )
    rows = [
        [
            name,
            f"{row['order3_ranked']:.1f}",
            f"{row['order3_true_ranked']:.1f}",
            f"{row['order3_true_selected']} / {row['order3_false_selected']}",
            f"{row['order2_true_selected']} / {row['order2_false_selected']}",
            seconds(row["seconds"]),
        ]
        for name, row in summary["per_function"].items()
    ]
    return (
        out
        + "\n"
        + table(
            [
                "function",
                "triples ranked",
                "true triples ranked",
                "triples selected: true / false",
                "pairs selected: true / false",
                "fit with significance",
            ],
            rows,
            "Per function at FDR 0.1 (ranked: mean per run; selected: summed over runs)",
        )
    )


def render_import_order(data):
    significance = any("significance_fit_s" in row for row in data["rows"])
    header = ["case", "imports before sk_interact", "interaction_fidelity scorer"]
    header += ["fit with significance"] if significance else []
    header += ["warned"]
    rows = []
    for row in data["rows"]:
        cells = [row["case"], f"``{row['imports']}``" if row["imports"] else "—"]
        cells.append(seconds(row["fidelity_s"]))
        if significance:
            cells.append(seconds(row.get("significance_fit_s")))
        rows.append([*cells, "yes" if row["warned"] else "no"])
    return table(
        header,
        rows,
        f"Boosting by import order (torch threads: {data['torch_threads']}; OpenMP: "
        f"its default, {data['cpu_count']} cores)",
    )


def render_text_levels(data):
    text = ""
    for name, entry in data["summary"].items():
        planted = entry.get("planted")
        rows = [
            [
                f"**{row['pair']}**" if row["pair"] == planted else row["pair"],
                num(row["centred"], ".2e"),
                num(row["centred_rank"], ".1f"),
                num(row["uncentred"], ".2e"),
                num(row["uncentred_rank"], ".1f"),
            ]
            for row in sorted(entry["pairs"], key=lambda r: -r["uncentred"])
        ]
        title = f"{name}" + (
            f": planted {planted} (bold), pairwise AUC {entry['centred_auc']:.3f} centred, "
            f"{entry['uncentred_auc']:.3f} uncentred"
            if planted
            else ": no interaction"
        )
        seeds = len({r["seed"] for r in data["runs"] if r["function"] == name})
        text += table(
            ["pair", "strength, centred", "mean rank", "strength, uncentred", "mean rank"],
            rows,
            f"{title} ({seeds} seeds, torch threads {data['threads']})",
        )
        text += "\n"
    return text


def render_significance_screening(data):
    rows = [
        [
            row["function"],
            row["way"],
            str(row["runs"]),
            str(row["pairs_tested"]),
            f"{row['found']} of {row['planted']}" if row["planted"] else "—",
            str(row["runs_with_false"]),
            str(row["false"]),
            f"{row['validation_score']:.3f}",
            seconds(row["seconds"]),
        ]
        for row in data["summary"]
    ]
    return table(
        [
            "function",
            "way",
            "runs",
            "pairs tested",
            "planted pairs found",
            "runs with a false selection",
            "false selections",
            "held-out R² (accuracy for labels)",
            "time per run",
        ],
        rows,
        f"At FDR {data['fdr']}, 2,000 rows, 150 columns (torch threads {data['threads']})",
    )


RENDERERS = {
    "significance_screening": render_significance_screening,
    "text_levels": render_text_levels,
    "import_order": render_import_order,
    "categorical": render_categorical,
    "significance": render_significance,
    "significance_classification": render_significance,
    "significance_methods": render_significance_methods,
    "significance_classes": render_significance_classes,
    "significance_order3": render_significance_order3,
    "significance_order3_classification": render_significance_order3,
    "significance_order3_heldout": render_significance_order3,
    "tsang_suite": render_tsang_suite,
    "tsang_suite_vectorised": render_tsang_suite,
    "peers": render_peers,
    "speed": render_speed,
    "second_glance_uci": render_second_glance_uci,
    "second_glance_uci_plateau": render_second_glance_uci,
    "sort_of_clevr": render_sort_of_clevr,
    "sort_of_clevr_cpu": render_sort_of_clevr,
    "sort_of_clevr_relu": render_sort_of_clevr,
    "sort_of_clevr_relu_seed1": render_sort_of_clevr,
    "sort_of_clevr_objects": render_sort_of_clevr_objects,
}


class BenchmarkTables(Directive):
    """``.. benchmark-tables:: NAME`` renders ``benchmarks/results/NAME.json``."""

    required_arguments = 1
    option_spec = {"renderer": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        path = RESULTS / f"{name}.json"
        if not path.exists():
            raise self.error(f"no benchmark results at {path}; run the benchmark first.")
        renderer = RENDERERS.get(self.options.get("renderer", name))
        if renderer is None:
            raise self.error(f"no renderer for {name!r}; known: {sorted(RENDERERS)}.")
        try:
            text = renderer(json.loads(path.read_text()))
        except (KeyError, TypeError, ValueError) as error:
            raise ExtensionError(f"cannot render {path}: {error!r}") from error
        container = StringList(text.splitlines(), source=str(path))
        section = nodes.container()
        nested_parse_with_titles(self.state, container, section)
        return section.children


def setup(app):
    app.add_directive("benchmark-tables", BenchmarkTables)
    return {"version": "1.0", "parallel_read_safe": True}
