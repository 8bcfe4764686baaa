"""Taylor-CAM on Sort-of-CLEVR: the paper's Table 3.

1. Generate Sort-of-CLEVR with the three relational question types of the Taylor-CAM
   experiment (closest, furthest, count), and with ``--extra-types`` the reference's
   non-relational ones, a training set and a disjoint test set.
2. Train a relation network (:class:`sk_interact.datasets.RelationNetwork`, GELU by
   default, ``g`` of ``--g-layers`` × ``--g-width`` units) with skorch on the CPU or a
   GPU (``--device``), epoch by epoch within a wall-time budget; report epochs, wall
   time, the training device and test accuracy per relational type.
3. For ``--explain-per-type`` correctly answered test questions per type (one question
   per image; the paper annotated 20), rank the regions of the 5×5 CNN grid:

   - Taylor-CAM (Hessian-CAM, Eq. 5, local gradients, mutual pairs, probability
     output): a hit when its top-1 pair of grid cells intersects the annotated pair;
   - Grad-CAM* (Eq. 3): a hit when its top-2 cells intersect the annotated pair;
   - variants: Eq. 5 with the global gradient sum, and on the logit scale;
   - chance: the share of all pairs of distinct cells that are hits, per image.

   The annotated pair is the queried object and the object that decides the answer
   (the closest or furthest one); for "count", the queried object and any other
   object of its shape (every other object when the count is 1: all of them decide
   it by having the other shape). A cell "intersects" an object when the cell's pixel
   box overlaps the object's drawn box; a pair is a hit when one cell intersects the
   queried object and the other a different annotated object. A looser reading, where
   one cell may touch both (two objects in one cell), is printed beside it, and so is
   the strict rule with each cell's box grown to the 31-pixel receptive field of a unit
   of the CNN (``object_regions(margin=8)``), with its own chance rate.
4. Time Hessian-CAM per image against ``torch.autograd.functional.hessian`` per image
   on the same network (the full Hessian of F over the 25 × 24 region features, then
   Eq. 5 from it), as a ratio in one run, and check that both give the same saliences.

    python benchmarks/sort_of_clevr.py                     # ~40 min on 2 CPU cores
    python benchmarks/sort_of_clevr.py --quick             # smoke run, ~1 min
    # the documented result: the reference's g (4 x 256) trained for 17 min on an H100,
    # then the same command without --device explains it on the CPU (~10 min)
    python benchmarks/sort_of_clevr.py --device cuda --g-width 256 \
        --questions-per-image 30 --extra-types shape,left,top --batch-size 256 \
        --lr 4e-4 --warmup-epochs 2 --lr-drop-epoch 50 --train-minutes 16.9
    # the reference's ReLU network: the same with --activation relu --max-epochs 56
    # --output benchmarks/results/sort_of_clevr_relu.json (and --seed 1, ..._seed1.json)

The training is checkpointed after every epoch (``--model-cache``): a rerun with the
same data, architecture and optimizer settings continues from the checkpoint until the
total training time reaches ``--train-minutes`` (so ``--train-minutes 80`` after a
40-minute run trains 40 minutes more, and a rerun with the same budget only explains).
Prints Markdown tables and writes ``benchmarks/results/sort_of_clevr.json`` (or
``--output``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

RESULTS = Path(__file__).parent / "results" / "sort_of_clevr.json"
CACHE = Path(__file__).parent / ".cache"
TYPES = ("closest", "furthest", "count")
# pixels added to each side of a 15-pixel grid cell to reach the 31-pixel receptive
# field of a unit after four 3×3 stride-2 convolutions (1 + 2 · (1 + 2 + 4 + 8))
RECEPTIVE_MARGIN = 8
# Lerman et al. (ICCV 2021), Table 3: top-1 / top-2 hit rates on 20 images per question.
PAPER = {
    "closest": {"taylor_cam": 0.90, "grad_cam_star": 0.35, "glider": 0.60},
    "furthest": {"taylor_cam": 0.55, "grad_cam_star": 0.50, "glider": 0.35},
    "count": {"taylor_cam": 0.60, "grad_cam_star": 0.40, "glider": 0.45},
}


# ----------------------------------------------------------------------------- data
class Questions(Dataset):
    """A torch Dataset of (``{"image", "question"}``, answer) rows over shared images.

    The arrays are held as tensors on ``device``; ``__getitems__`` gathers a whole batch
    with one indexing operation per array (the DataLoader then passes it through
    :func:`as_batch`), so training on a GPU does not copy and collate row by row.
    """

    def __init__(self, data, rows, device="cpu"):
        self.images = torch.from_numpy(data.images).to(device)
        self.questions = torch.from_numpy(data.questions).to(device)
        self.question_image = torch.from_numpy(data.question_image).to(device)
        self.answers = torch.from_numpy(data.answers).to(device)
        self.rows = torch.as_tensor(np.asarray(rows), device=device)

    def subset(self, rows) -> Questions:
        """The same arrays (no second copy on the device), other question rows."""
        other = copy.copy(self)
        other.rows = torch.as_tensor(np.asarray(rows), device=self.rows.device)
        return other

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        X, y = self.__getitems__([i])
        return {key: value[0] for key, value in X.items()}, y[0]

    def __getitems__(self, indices):
        q = self.rows[torch.as_tensor(indices, device=self.rows.device)]
        images = self.images[self.question_image[q]]
        return {"image": images, "question": self.questions[q]}, self.answers[q]


def as_batch(batch):
    """The DataLoader's ``collate_fn`` for :class:`Questions`: its batches come whole."""
    return batch


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


# ----------------------------------------------------------------------------- training
def train(args, data, train_rows, val_rows, checkpoint: Path | None):
    """Train the relation network epoch by epoch until the wall-time budget is spent.

    After every epoch the module, the optimizer and the history are saved to
    ``checkpoint``; a run whose checkpoint exists continues from it until the total
    training time reaches ``--train-minutes`` (the data order after resuming differs
    from that of an uninterrupted run). Returns the module in eval mode, the history
    and the total training seconds.
    """
    from skorch import NeuralNetClassifier

    from sk_interact.datasets import RelationNetwork

    torch.manual_seed(args.seed)
    net = NeuralNetClassifier(
        RelationNetwork,
        module__g_width=args.g_width,
        module__g_layers=args.g_layers,
        module__activation=args.activation,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=args.lr,
        batch_size=args.batch_size,
        max_epochs=1,
        train_split=None,
        iterator_train__shuffle=True,
        iterator_train__collate_fn=as_batch,
        iterator_valid__collate_fn=as_batch,
        classes=list(range(10)),
        device=args.device,
        verbose=0,
    ).initialize()
    history, train_s, phase_start_s = [], 0.0, 0.0
    here = device_name(args.device)
    trained_on = here
    source = checkpoint if checkpoint is not None and checkpoint.exists() else args.init_from
    if source is not None:
        saved = torch.load(source, map_location="cpu", weights_only=False)
        net.module_.load_state_dict(saved["module"])
        if saved.get("optimizer") is not None:
            net.optimizer_.load_state_dict(saved["optimizer"])
        history, train_s = saved["history"], saved["train_s"]
        trained_on = saved.get("trained_on", "cpu")
        # a run started from another run's weights schedules its rate from that point
        phase_start_s = saved.get("phase_start_s", 0.0) if source == checkpoint else train_s
        print(f"resuming after epoch {len(history)} ({train_s / 60:.1f} min) from {source}")
    train_set = Questions(data, train_rows, args.device)
    val_set = train_set.subset(val_rows)
    val_types = data.question_type[val_rows]
    budget = args.train_minutes * 60
    last_epoch_s = history[-1]["epoch_s"] if history else 0.0
    for epoch in range(len(history) + 1, args.max_epochs + 1):
        if train_s + last_epoch_s > budget:
            break
        lr = learning_rate(
            args, epoch, (train_s - phase_start_s) / max(budget - phase_start_s, 1.0)
        )
        net.set_params(lr=lr)
        for group in net.optimizer_.param_groups:
            group["lr"] = lr
        epoch_start = time.perf_counter()
        net.partial_fit(train_set, y=None)
        if here not in trained_on.split(" + "):
            trained_on = f"{trained_on} + {here}"
        last_epoch_s = time.perf_counter() - epoch_start
        train_s += last_epoch_s
        val_pred = net.predict(val_set)
        val_hit = val_pred == data.answers[val_rows]
        val_acc = float(np.mean(val_hit))
        val_by_type = {t: float(val_hit[val_types == t].mean()) for t in np.unique(val_types)}
        loss = float(net.history[-1, "train_loss"])
        history.append(
            {
                "epoch": epoch,
                "lr": lr,
                "train_loss": loss,
                "val_accuracy": val_acc,
                "val_accuracy_by_type": val_by_type,
                "epoch_s": last_epoch_s,
                "elapsed_s": train_s,
            }
        )
        print(
            f"  epoch {epoch:3d}  lr {lr:.2g}  loss {loss:.4f}  val acc {val_acc:.3f} ("
            + ", ".join(f"{t} {a:.3f}" for t, a in val_by_type.items())
            + f")  {last_epoch_s:6.1f} s  (total {train_s / 60:.1f} min)",
            flush=True,
        )
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            torch.save(
                {
                    "module": net.module_.state_dict(),
                    "optimizer": net.optimizer_.state_dict(),
                    "history": history,
                    "train_s": train_s,
                    "phase_start_s": phase_start_s,
                    "trained_on": trained_on,
                },
                checkpoint,
            )
    return net.module_.eval(), history, train_s, trained_on


def device_name(device: str) -> str:
    """The GPU's name for a CUDA device, else ``"cpu"``."""
    if str(device).startswith("cuda"):
        return torch.cuda.get_device_name(device)
    return "cpu"


def learning_rate(args, epoch: int, spent: float) -> float:
    """Adam's rate for ``epoch``, ``spent`` being the share of this run's budget used.

    ``step``: ``--lr``, divided by 10 from ``--lr-drop-epoch``; ``cosine``: from
    ``--lr`` down to ``--lr / 100`` along a half cosine over the training time of this
    run (from ``--init-from``'s end when given), so the last epochs anneal. With
    ``--warmup-epochs W`` the first W epochs rise linearly to the rate, epoch e at
    e / (W + 1) of it.
    """
    if epoch <= args.warmup_epochs:
        return args.lr * epoch / (args.warmup_epochs + 1)
    if args.schedule == "cosine":
        floor = args.lr / 100
        return floor + 0.5 * (args.lr - floor) * (1 + math.cos(math.pi * min(spent, 1.0)))
    return args.lr / 10 if args.lr_drop_epoch and epoch >= args.lr_drop_epoch else args.lr


def model_key(args) -> str:
    """The data, architecture and optimizer settings: what a checkpoint must match."""
    settings = [
        args.train_images,
        args.questions_per_image,
        args.g_width,
        args.g_layers,
        args.batch_size,
        args.lr,
        args.seed,
    ]
    # settings added later enter the key only when used, so older checkpoints still match
    if args.extra_types:
        settings.append(tuple(args.extra_types))
    if args.schedule != "step":
        settings.append(args.schedule)
    if args.init_from is not None:
        settings.append(args.init_from.name)
    if args.activation != "gelu":
        settings.append(args.activation)
    if args.warmup_epochs:
        settings.append(("warmup", args.warmup_epochs))
    return hashlib.sha1(repr(settings).encode()).hexdigest()[:12]


# ----------------------------------------------------------------------------- scoring
def annotated(qtype: str, relevant: tuple[int, ...]) -> tuple[int, set[int]]:
    """The queried object and the other objects that decide the answer."""
    query, others = relevant[0], set(relevant[1:])
    if qtype == "count" and not others:
        others = set(range(6)) - {query}  # count 1: every other object has the other shape
    return query, others


def is_hit(pair, query_cells: set[int], other_cells: list[set[int]]) -> bool:
    a, c = pair
    return any(
        (a in query_cells and c in cells) or (c in query_cells and a in cells)
        for cells in other_cells
    )


def covers(pair, query_cells: set[int], other_cells: list[set[int]]) -> bool:
    """The looser reading: the pair's cells together touch the queried object and another.

    Unlike :func:`is_hit`, one cell may do both (two objects inside one grid cell).
    """
    pair = set(pair)
    return bool(pair & query_cells) and any(pair & cells for cells in other_cells)


def chance(query_cells, other_cells, n_regions) -> float:
    hits = sum(
        is_hit((a, c), query_cells, other_cells)
        for a in range(n_regions)
        for c in range(a + 1, n_regions)
    )
    return hits / (n_regions * (n_regions - 1) / 2)


def where_pairs_fall(tops, scenes) -> dict:
    """Shares of top pairs on two objects and on one object (cells of the same object)."""
    two = one = 0
    for (a, c), cells in zip(tops, scenes):
        on_a = {o for o, covered in cells.items() if a in covered}
        on_c = {o for o, covered in cells.items() if c in covered}
        two += bool(on_a) and bool(on_c) and on_a != on_c
        one += bool(on_a & on_c) and len(on_a | on_c) == 1
    n = len(tops)
    return {"on_two_objects": two / n, "on_one_object": one / n}


def partner_rank(qtype: str, centres: np.ndarray, query: int, pair, cells) -> int:
    """Where a top pair's partner stands among the queried object's candidates.

    ``cells`` maps each object to the regions it covers (for regions that are the
    objects themselves, ``{o: {o}}``). When one region of ``pair`` covers the queried
    object, the partner objects are the others the second region covers (either
    region's, when both cover the queried object); the result is the best distance rank
    among them: 1 for the answer object of "closest" / "furthest", 2 for the runner-up
    (the second closest or furthest), and so on. 0 when neither region covers the
    queried object, -1 when the other region covers no other object.
    """
    a, c = pair
    on_query = cells[query]
    if a not in on_query and c not in on_query:
        return 0
    other = {a, c} if a in on_query and c in on_query else ({c} if a in on_query else {a})
    distance = ((centres - centres[query]) ** 2).sum(axis=1).astype(float)
    distance[query] = np.inf if qtype == "closest" else -np.inf
    order = np.argsort(distance if qtype == "closest" else -distance, kind="stable")
    found = [rank + 1 for rank, o in enumerate(order) if o != query and cells[int(o)] & other]
    return min(found) if found else -1


def decision_margin(qtype: str, centres: np.ndarray, query: int) -> float:
    """How far apart the answer object and the runner-up are from the queried object.

    The difference of their (unsquared) distances from it: small when the question is
    nearly a tie between two objects.
    """
    distance = np.sqrt(((centres - centres[query]) ** 2).sum(axis=1))
    others = np.sort(np.delete(distance, query))
    return float(others[1] - others[0] if qtype == "closest" else others[-1] - others[-2])


def partners_by_margin(ranks, margins) -> dict:
    """Partner ranks of the pairs that hold the queried object, split at the median margin.

    ``{"small": {...}, "large": {...}}``, each with the number of such pairs, how many
    join the answer object and how many the runner-up, and the median itself.
    """
    ranks, margins = np.asarray(ranks), np.asarray(margins, dtype=float)
    held = ranks != 0
    median = float(np.median(margins[held])) if held.any() else float("nan")
    split = {"median": median}
    for name, side in (("small", margins <= median), ("large", margins > median)):
        chosen = ranks[held & side]
        split[name] = {
            "n": len(chosen),
            "answer": int((chosen == 1).sum()),
            "runner_up": int((chosen == 2).sum()),
        }
    return split


def partner_counts(ranks) -> dict[str, int]:
    """``{"rank": count}`` of :func:`partner_rank` values, for the result JSON."""
    return {str(k): int(c) for k, c in zip(*np.unique(ranks, return_counts=True))}


def explained_rows(data, test_rows, correct, qtype, n, rng) -> np.ndarray:
    """Up to ``n`` correctly answered test questions of ``qtype``, one per image, at random."""
    rows = test_rows[(data.question_type[test_rows] == qtype) & correct]
    rows = rows[rng.permutation(len(rows))]
    _, first = np.unique(data.question_image[rows], return_index=True)  # first drawn
    return rows[np.sort(first)][:n]


def rank_and_score(
    module, target_layer, inputs, target, truth, params, batch_size=32, wide_truth=None
):
    """Explain ``inputs`` with one Taylor-CAM variant; its hit rates and top pairs.

    ``params`` are the explainer's (``order=1`` is Grad-CAM*: the two most salient
    regions form the pair); ``truth`` holds ``(query_regions, [other_regions, ...])``
    per input, and ``wide_truth``, when given, the same with grown region boxes (its
    hit rate is ``rate_receptive``). Returns the scores and each input's top pair.
    """
    from sk_interact import TaylorCAMExplainer

    cam = TaylorCAMExplainer(
        model=module, target_layer=target_layer, top_k=2, batch_size=batch_size, **params
    )
    start = time.perf_counter()
    ranking = cam.fit().explain(inputs, target=target)
    seconds = time.perf_counter() - start
    if params["order"] == 1:
        tops = [tuple(g["regions"].map(lambda r: r[0])) for _, g in ranking.groupby("image")]
    else:
        tops = list(ranking[ranking["rank"] == 1].sort_values("image")["regions"])
    n = len(tops)
    hits = int(sum(is_hit(p, qc, oc) for p, (qc, oc) in zip(tops, truth)))
    covered = int(sum(covers(p, qc, oc) for p, (qc, oc) in zip(tops, truth)))
    touches = sum(bool(set(p) & qc) for p, (qc, _) in zip(tops, truth))
    scores = {
        "hits": hits,
        "rate": hits / n,
        "ci95": wilson(hits, n),
        "rate_covers": covered / n,
        "touches_query": touches / n,
        "seconds": seconds,
    }
    if wide_truth is not None:
        wide = sum(is_hit(p, qc, oc) for p, (qc, oc) in zip(tops, wide_truth))
        scores["rate_receptive"] = wide / n
    return scores, tops


def rate_cell(scores) -> str:
    """``"6.0% (3%–11%)"``: a hit rate and its 95% interval."""
    lo, hi = scores["ci95"]
    return f"{scores['rate']:.1%} ({lo:.0%}–{hi:.0%})"


TABLE3_HEADER = (
    "| question | n | Taylor-CAM top-1 (95% CI) | paper | Grad-CAM* top-2 (95% CI) | paper |"
)


def table3_row(qtype: str, entry: dict, extra: list[str]) -> str:
    """A Markdown row: the Table 3 columns of ``TABLE3_HEADER``, then ``extra`` cells."""
    paper = PAPER[qtype]
    cells = [
        qtype,
        str(entry["n"]),
        rate_cell(entry["taylor_cam"]),
        f"{paper['taylor_cam']:.0%}",
        rate_cell(entry["grad_cam_star"]),
        f"{paper['grad_cam_star']:.0%}",
        *extra,
    ]
    return "| " + " | ".join(cells) + " |"


def explain(args, module, data, test_rows, correct):
    rng = np.random.RandomState(args.seed)
    grid = 5  # the relation network's 5×5 region grid
    variants = {
        "taylor_cam": {"order": 2},
        "taylor_cam_global": {"order": 2, "local_gradients": False},
        "taylor_cam_logit": {"order": 2, "output": "logit"},
        "grad_cam_star": {"order": 1},
    }
    # (questions, 6, 2): the objects' centres in colour order, for each question's image
    table = data.objects.sort_values(["image", "color_index"])
    centres = table[["x", "y"]].to_numpy().reshape(-1, 6, 2)[data.question_image]
    results = {}
    for qtype in TYPES:
        rows = explained_rows(data, test_rows, correct, qtype, args.explain_per_type, rng)
        images = {
            "image": torch.from_numpy(data.images[data.question_image[rows]]),
            "question": torch.from_numpy(data.questions[rows]),
        }
        truth, wide_truth, scenes = [], [], []
        for q in rows:
            image = int(data.question_image[q])
            cells = data.object_regions(image, grid)
            wide = data.object_regions(image, grid, margin=RECEPTIVE_MARGIN)
            query, others = annotated(qtype, data.relevant[q])
            truth.append((cells[query], [cells[o] for o in others]))
            wide_truth.append((wide[query], [wide[o] for o in others]))
            scenes.append(cells)
        entry = {"n": len(rows)}
        for name, params in variants.items():
            scores, tops = rank_and_score(
                module,
                "cnn",
                images,
                data.answers[rows],
                truth,
                params,
                args.explain_batch,
                wide_truth,
            )
            entry[name] = {**scores, **where_pairs_fall(tops, scenes)}
            if qtype in ("closest", "furthest"):
                ranks = [
                    partner_rank(qtype, xy, data.relevant[q][0], pair, cells)
                    for q, xy, pair, cells in zip(rows, centres[rows], tops, scenes)
                ]
                entry[name]["partner_ranks"] = partner_counts(ranks)
        entry["chance"] = float(np.mean([chance(qc, oc, grid * grid) for qc, oc in truth]))
        entry["chance_receptive"] = float(
            np.mean([chance(qc, oc, grid * grid) for qc, oc in wide_truth])
        )
        results[qtype] = entry
    return results


def time_against_functional(args, module, data, test_rows):
    """Per-image Hessian-CAM: the batched kernel against autograd.functional.hessian."""
    from sk_interact import TaylorCAMExplainer

    rows = test_rows[: args.timing_images]
    images = {
        "image": torch.from_numpy(data.images[data.question_image[rows]]),
        "question": torch.from_numpy(data.questions[rows]),
    }
    cam = TaylorCAMExplainer(model=module, target_layer="cnn", batch_size=len(rows)).fit()
    cam.saliences(images)  # warm-up
    start = time.perf_counter()
    ours = cam.saliences(images)
    ours_s = (time.perf_counter() - start) / len(rows)

    n_slow = min(args.functional_images, len(rows))
    slow = []
    start = time.perf_counter()
    for b in range(n_slow):
        single = {k: v[b : b + 1] for k, v in images.items()}
        _, F, A, _ = next(iter(cam._split(cam._inputs(single), None)))
        A0 = A[0]  # (n, C)

        def scalar(a, F=F):
            return F(a[None]).reshape(())

        H = torch.autograd.functional.hessian(scalar, A0, vectorize=True)  # (n, C, n, C)
        # Eq. 5, local gradients: g_i = Σ_p A_ip ∂F/∂A_ip, so ∂g_i/∂A_jm is
        # Σ_p A_ip H_ip,jm plus δ_ij ∂F/∂A_im, a term of the diagonal, which is zeroed
        dg = torch.einsum("ip,ipjm->ijm", A0, H)
        S = dg.sum(dim=2) ** 2
        S = S + S.T
        S.fill_diagonal_(0)
        slow.append(S.cpu().numpy())
    functional_s = (time.perf_counter() - start) / n_slow
    error = float(np.max(np.abs(np.stack(slow) - ours[:n_slow])) / np.max(np.abs(ours[:n_slow])))
    return {
        "images": len(rows),
        "functional_images": n_slow,
        "ours_s_per_image": ours_s,
        "functional_s_per_image": functional_s,
        "speedup": functional_s / ours_s,
        "max_rel_difference": error,
    }


# ----------------------------------------------------------------------------- main
def common_arguments(parser: argparse.ArgumentParser) -> None:
    """The data, training and protocol options both Sort-of-CLEVR benchmarks take."""
    parser.add_argument("--train-images", type=int, default=10_000)
    parser.add_argument("--test-images", type=int, default=2_000)
    parser.add_argument("--questions-per-image", type=int, default=10)
    parser.add_argument("--g-width", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--explain-per-type", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(parser)
    parser.add_argument("--g-layers", type=int, default=4)
    parser.add_argument(
        "--lr-drop-epoch",
        type=int,
        default=0,
        help="epoch from which the learning rate is divided by 10 (0: never)",
    )
    parser.add_argument(
        "--schedule",
        choices=("step", "cosine"),
        default="step",
        help="learning-rate schedule: step (see --lr-drop-epoch) or a cosine from --lr "
        "to --lr / 100 over the training budget",
    )
    parser.add_argument(
        "--init-from",
        type=Path,
        default=None,
        help="a checkpoint of an earlier run to continue from with these settings "
        "(its epochs and minutes count toward --train-minutes)",
    )
    parser.add_argument(
        "--extra-types",
        type=lambda text: tuple(t for t in text.split(",") if t),
        default=(),
        help="comma-separated non-relational question types (shape,left,top) added to "
        "the training questions, as the reference trains; accuracy and explanations "
        "stay on the relational types",
    )
    parser.add_argument(
        "--activation",
        choices=("gelu", "relu"),
        default="gelu",
        help="non-linearity of the relation network (relu: the reference's; its g then "
        "adds no curvature of its own, see RelationNetwork)",
    )
    parser.add_argument(
        "--warmup-epochs",
        type=int,
        default=0,
        help="epochs over which the learning rate rises linearly to --lr",
    )
    parser.add_argument("--train-minutes", type=float, default=30.0)
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--explain-batch", type=int, default=32)
    parser.add_argument("--timing-images", type=int, default=32)
    parser.add_argument("--functional-images", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--device",
        default="cpu",
        help="torch device to train and explain on, e.g. cuda (the data stay on the CPU "
        "and move batch by batch)",
    )
    parser.add_argument("--model-cache", type=Path, default=CACHE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--export-weights",
        type=Path,
        default=None,
        help="also save the trained network's state dict, settings and test accuracy "
        "here (the Taylor-CAM gallery example loads examples/data/relation_network.pt)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.train_images, args.test_images, args.train_minutes = 300, 200, 0.2
        args.max_epochs, args.explain_per_type, args.timing_images = 1, 10, 4
        args.functional_images = 1

    torch.set_num_threads(args.threads)
    import sk_interact
    from sk_interact.datasets import make_sort_of_clevr

    print(
        f"torch {torch.__version__}, {args.threads} thread(s); sk_interact "
        f"{sk_interact.__version__}",
        flush=True,
    )
    start = time.perf_counter()
    n_images = args.train_images + args.test_images
    data = make_sort_of_clevr(
        n_images,
        questions_per_image=args.questions_per_image,
        question_types=TYPES + args.extra_types,
        random_state=args.seed,
    )
    generate_s = time.perf_counter() - start
    is_test = data.question_image >= args.train_images
    all_train = np.flatnonzero(~is_test)
    n_val = min(2000, len(all_train) // 10)
    val_rows, train_rows = all_train[:n_val], all_train[n_val:]
    test_rows = np.flatnonzero(is_test & np.isin(data.question_type, TYPES))
    print(
        f"{data!r}: {len(train_rows)} training, {n_val} validation, {len(test_rows)} "
        f"test questions ({generate_s:.1f} s)",
        flush=True,
    )

    checkpoint = (
        None if args.quick else (args.model_cache / f"relation_network_{model_key(args)}.pt")
    )
    print(
        f"training: g {args.g_layers} x {args.g_width}, batch {args.batch_size}, "
        f"{args.activation}, Adam lr {args.lr} "
        + (f"(warm-up {args.warmup_epochs} epochs) " if args.warmup_epochs else "")
        + (
            f"(cosine to {args.lr / 100:g}), "
            if args.schedule == "cosine"
            else f"(/10 from epoch {args.lr_drop_epoch or 'never'}), "
        )
        + f"training types {TYPES + args.extra_types}, "
        f"budget {args.train_minutes} min",
        flush=True,
    )
    module, history, train_s, trained_on = train(args, data, train_rows, val_rows, checkpoint)

    with torch.no_grad():
        predictions = np.concatenate(
            [
                module(
                    torch.from_numpy(data.images[data.question_image[chunk]]).to(args.device),
                    torch.from_numpy(data.questions[chunk]).to(args.device),
                )
                .argmax(1)
                .cpu()
                .numpy()
                for chunk in np.array_split(test_rows, max(1, len(test_rows) // 256))
            ]
        )
    correct = predictions == data.answers[test_rows]
    accuracy = {t: float(correct[data.question_type[test_rows] == t].mean()) for t in TYPES}
    accuracy["all"] = float(correct.mean())

    if args.export_weights is not None:
        args.export_weights.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {
                "state_dict": {k: v.cpu() for k, v in module.state_dict().items()},
                "config": {
                    "g_width": args.g_width,
                    "g_layers": args.g_layers,
                    "activation": args.activation,
                },
                "data": {
                    "question_types": TYPES,
                    "random_state": args.seed,
                    "train_images": args.train_images,
                    "test_images": args.test_images,
                },
                "epochs": len(history),
                "test_accuracy": accuracy,
            },
            args.export_weights,
        )
        print(f"wrote the trained network to {args.export_weights}")

    print("explaining ...", flush=True)
    hit_rates = explain(args, module, data, test_rows, correct)
    timing = time_against_functional(args, module, data, test_rows)

    print(
        f"\nRelation network: {len(history)} epochs, {train_s / 60:.1f} min training on "
        f"{trained_on}; "
        "test accuracy " + ", ".join(f"{t} {accuracy[t]:.1%}" for t in (*TYPES, "all"))
    )
    print("\n" + TABLE3_HEADER + " GLIDER (paper) | Eq. 5 global sum | logit scale | chance |")
    print("|---" * 10 + "|")
    for qtype in TYPES:
        r = hit_rates[qtype]
        extra = [f"{PAPER[qtype]['glider']:.0%}"]
        extra += [f"{r[k]['rate']:.1%}" for k in ("taylor_cam_global", "taylor_cam_logit")]
        print(table3_row(qtype, r, [*extra, f"{r['chance']:.1%}"]))
    for qtype in TYPES:
        r = hit_rates[qtype]["taylor_cam"]
        print(
            f"{qtype}: Taylor-CAM's top pair lies on two objects in {r['on_two_objects']:.0%}"
            f" of the images, on one object in {r['on_one_object']:.0%}, and touches the "
            f"queried object in {r['touches_query']:.0%}; the looser reading (one cell may "
            f"cover both objects) gives Taylor-CAM {r['rate_covers']:.0%}, Grad-CAM* "
            f"{hit_rates[qtype]['grad_cam_star']['rate_covers']:.0%}; with receptive-field "
            f"boxes Taylor-CAM {r['rate_receptive']:.0%}, Grad-CAM* "
            f"{hit_rates[qtype]['grad_cam_star']['rate_receptive']:.0%} (chance "
            f"{hit_rates[qtype]['chance_receptive']:.0%})"
        )
    print(
        f"\nHessian-CAM per image: {timing['ours_s_per_image'] * 1e3:.1f} ms batched "
        f"({timing['images']} images) vs {timing['functional_s_per_image']:.2f} s with "
        f"torch.autograd.functional.hessian per image: {timing['speedup']:.0f}x; "
        f"max relative difference {timing['max_rel_difference']:.1e}"
    )

    targets = (
        [
            f"Taylor-CAM >= paper on {qtype}: {hit_rates[qtype]['taylor_cam']['rate']:.0%} "
            f"vs {PAPER[qtype]['taylor_cam']:.0%} "
            + (
                "met"
                if hit_rates[qtype]["taylor_cam"]["rate"] >= PAPER[qtype]["taylor_cam"]
                else "missed"
            )
            for qtype in TYPES
        ]
        + [
            f"Taylor-CAM above Grad-CAM* on {qtype}: "
            + (
                "met"
                if hit_rates[qtype]["taylor_cam"]["rate"]
                > hit_rates[qtype]["grad_cam_star"]["rate"]
                else "missed"
            )
            for qtype in TYPES
        ]
        + [
            f">= 20x faster than per-image hessian: {timing['speedup']:.0f}x "
            + ("met" if timing["speedup"] >= 20 else "missed")
        ]
    )
    print("\n" + "\n".join(targets))
    if args.quick:
        return
    result = {
        "benchmark": "sort_of_clevr",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "threads": args.threads,
        "device": device_name(args.device),
        "generate_s": generate_s,
        "training": {
            "epochs": len(history),
            "seconds": train_s,
            "device": trained_on,
            "history": history,
        },
        "accuracy": accuracy,
        "hit_rates": hit_rates,
        "paper": PAPER,
        "timing": timing,
        "targets": targets,
    }
    write_result(args, result)


def write_result(args, result: dict) -> None:
    """Write ``result`` with the run's settings (no machine paths) to ``args.output``."""
    result["settings"] = {k: v for k, v in vars(args).items() if not isinstance(v, Path)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
