"""Taylor-CAM on a relation network that is given the objects: is Table 3's miss the method's?

``benchmarks/sort_of_clevr.py`` trains the relation network from pixels, and on CPU it
does not learn to find the object a question names, so its explanations cannot point at
that object. This diagnostic removes the perception: the same ``g`` and ``f`` of
:class:`sk_interact.datasets.RelationNetwork` (GELU, ``g`` of 4 × 64 units, all ordered
pairs, summed) read the scene's state description, one vector per object (colour one-hot,
is-square, centre in [−1, 1]²), as the Relation Network paper's state-description
Sort-of-CLEVR does. The objects are then the regions Taylor-CAM ranks, and the
protocol of ``sort_of_clevr.py`` applies unchanged: on correctly answered test
questions, a hit when the top-1 pair of objects is the queried object and an object that
decides the answer (Grad-CAM*: its two most salient objects), with 95% intervals and the
chance rate (the share of the 15 object pairs that are hits).

    python benchmarks/sort_of_clevr_objects.py            # about 5 min, one thread
    python benchmarks/sort_of_clevr_objects.py --quick    # smoke run, seconds

Prints a Markdown table and writes ``benchmarks/results/sort_of_clevr_objects.json``.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import torch

# run as a script, this folder is on sys.path: the Table 3 protocol is shared
from sort_of_clevr import (
    PAPER,
    TABLE3_HEADER,
    TYPES,
    annotated,
    chance,
    common_arguments,
    decision_margin,
    explained_rows,
    partner_counts,
    partner_rank,
    partners_by_margin,
    rank_and_score,
    table3_row,
    write_result,
)
from torch import nn

RESULTS = Path(__file__).parent / "results" / "sort_of_clevr_objects.json"
STATE_DIM = 9  # colour one-hot (6), is-square, x, y
CENTRE = slice(7, 9)  # the x, y columns of an object vector
OWN_REGION = {o: {o} for o in range(6)}  # each object is its own region


class StateRelationNetwork(nn.Module):
    """``f(Σ_ij g([o_i, o_j, q]))`` over given object vectors, ``objects`` the region layer.

    ``g`` and ``f`` are those of :class:`~sk_interact.datasets.RelationNetwork`; the
    convolutional stem is left out, and :attr:`objects` (an identity) marks the layer
    whose output ``(B, 6, STATE_DIM)`` holds the regions for Taylor-CAM.
    """

    def __init__(self, g_width: int = 64, g_layers: int = 4):
        super().__init__()
        from sk_interact.datasets import RelationNetwork

        self.objects = nn.Identity()
        self.rn = RelationNetwork(
            channels=STATE_DIM - 2, g_width=g_width, g_layers=g_layers, activation="gelu"
        )
        self.rn.cnn = nn.Identity()  # no pixels: the stem is unused

    def forward(self, state, question):
        return self.rn.f(self.rn.relations(self.objects(state), question))


def state_descriptions(data) -> np.ndarray:
    """``(n_images, 6, STATE_DIM)`` object vectors in colour order, float32."""
    table = data.objects.sort_values(["image", "color_index"], kind="stable")
    n = data.n_images
    colours = np.eye(6, dtype=np.float32)[table["color_index"].to_numpy()]
    square = (table["shape"].to_numpy() == "square").astype(np.float32)[:, None]
    half = (data.images.shape[-1] - 1) / 2
    xy = (table[["x", "y"]].to_numpy(dtype=np.float32) - half) / half
    return np.concatenate([colours, square, xy], axis=1).reshape(n, 6, STATE_DIM)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(parser)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.train_images, args.test_images, args.epochs, args.explain_per_type = 300, 200, 2, 10

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    from skorch import NeuralNetClassifier

    from sk_interact.datasets import make_sort_of_clevr

    print(f"torch {torch.__version__}, {args.threads} thread(s)", flush=True)
    data = make_sort_of_clevr(
        args.train_images + args.test_images,
        questions_per_image=args.questions_per_image,
        question_types=TYPES,
        random_state=args.seed,
    )
    states = state_descriptions(data)
    X = {"state": states[data.question_image], "question": data.questions}
    is_test = data.question_image >= args.train_images
    train_rows, test_rows = np.flatnonzero(~is_test), np.flatnonzero(is_test)

    net = NeuralNetClassifier(
        StateRelationNetwork,
        module__g_width=args.g_width,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=args.lr,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        train_split=None,
        iterator_train__shuffle=True,
        classes=list(range(10)),
        verbose=int(not args.quick),
    )
    start = time.perf_counter()
    net.fit({k: v[train_rows] for k, v in X.items()}, data.answers[train_rows])
    train_s = time.perf_counter() - start
    module = net.module_.eval()
    predictions = net.predict({k: v[test_rows] for k, v in X.items()})
    correct = predictions == data.answers[test_rows]
    types = data.question_type[test_rows]
    accuracy = {t: float(correct[types == t].mean()) for t in TYPES}
    print(
        f"trained {args.epochs} epochs in {train_s / 60:.1f} min; test accuracy "
        + ", ".join(f"{t} {a:.1%}" for t, a in accuracy.items()),
        flush=True,
    )

    rng = np.random.RandomState(args.seed)
    variants = {
        "taylor_cam": {"order": 2},
        "taylor_cam_logit": {"order": 2, "output": "logit"},
        "grad_cam_star": {"order": 1},
    }
    hit_rates = {}
    for qtype in TYPES:
        rows = explained_rows(data, test_rows, correct, qtype, args.explain_per_type, rng)
        inputs = {k: torch.from_numpy(v[rows]) for k, v in X.items()}
        truth = [annotated(qtype, data.relevant[q]) for q in rows]
        truth = [({query}, [{o} for o in others]) for query, others in truth]
        centres = [states[data.question_image[q]][:, CENTRE] for q in rows]
        queries = [data.relevant[q][0] for q in rows]
        margins = [decision_margin(qtype, xy, k) for xy, k in zip(centres, queries)]
        entry = {"n": len(rows)}
        for name, params in variants.items():
            entry[name], tops = rank_and_score(
                module, "objects", inputs, data.answers[rows], truth, params
            )
            if qtype in ("closest", "furthest") and params["order"] == 2:
                ranks = [
                    partner_rank(qtype, xy, k, pair, OWN_REGION)
                    for xy, k, pair in zip(centres, queries, tops)
                ]
                entry[name]["partner_ranks"] = partner_counts(ranks)
                entry[name]["partners_by_margin"] = partners_by_margin(ranks, margins)
        entry["chance"] = float(np.mean([chance(qc, oc, 6) for qc, oc in truth]))
        hit_rates[qtype] = entry

    print("\n" + TABLE3_HEADER + " logit scale | chance |")
    print("|---" * 8 + "|")
    for qtype in TYPES:
        r = hit_rates[qtype]
        print(table3_row(qtype, r, [f"{r['taylor_cam_logit']['rate']:.1%}", f"{r['chance']:.1%}"]))
    print("(the paper's columns are its Table 3, on a network that reads pixels)")
    for qtype in ("closest", "furthest"):
        split = hit_rates[qtype]["taylor_cam"]["partners_by_margin"]
        print(
            f"{qtype}: of the top pairs that hold the queried object, "
            + "; ".join(
                f"margin {sign} {split['median']:.2f}: {s['answer']} join the answer object, "
                f"{s['runner_up']} the runner-up, of {s['n']}"
                for sign, s in (("<=", split["small"]), (">", split["large"]))
            )
        )
    if args.quick:
        return
    result = {
        "benchmark": "sort_of_clevr_objects",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": args.threads,
        "training": {"epochs": args.epochs, "seconds": train_s},
        "accuracy": accuracy,
        "hit_rates": hit_rates,
        "paper": PAPER,
    }
    write_result(args, result)


if __name__ == "__main__":
    main()
