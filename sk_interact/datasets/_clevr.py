"""Sort-of-CLEVR (Santoro et al., 2017): a visual question-answering task about relations.

Each image shows six objects, one per colour, each a square or a circle; each question
asks about one object, by its colour, either about the object alone (its shape, is it on
the left, is it on the top) or about its relation to the others (the shape of the
closest or of the furthest object, how many objects share its shape). The task is the
test bed of Relation Networks and of Taylor-CAM, whose explanations are scored against
the objects a question is about. :func:`make_sort_of_clevr` generates it independently
of the reference generator, with numpy only, and returns the objects' boxes and the
answer-relevant objects of every question; :func:`render_scene` and
:func:`answer_question` draw and answer hand-built scenes.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = [
    "ANSWERS",
    "COLORS",
    "SortOfClevr",
    "answer_question",
    "make_sort_of_clevr",
    "render_scene",
]

#: The six object colours as ``(name, (red, green, blue))``; the position is the
#: colour index of the question encoding. The reference draws the same colours in BGR.
COLORS = (
    ("red", (255, 0, 0)),
    ("green", (0, 255, 0)),
    ("blue", (0, 0, 255)),
    ("orange", (255, 156, 0)),
    ("gray", (128, 128, 128)),
    ("yellow", (255, 255, 0)),
)

#: The ten answer classes; the reference calls class 2 "rectangle". Classes 4 to 9 are
#: the counts 1 to 6 of the "count" question.
ANSWERS = ("yes", "no", "square", "circle", "1", "2", "3", "4", "5", "6")

_N_OBJECTS = len(COLORS)
_COLOR_NAMES = tuple(name for name, _ in COLORS)
_RGB = np.array([rgb for _, rgb in COLORS], dtype=np.float32) / 255
_SHAPES = ("square", "circle")

# question type -> (type bit, subtype) in the reference's 18-dim multi-hot encoding:
# bits 0-5 colour of A, 6-11 colour of B (ternary only), 12-14 type, 15-17 subtype
_QUESTION_TYPES = {
    "shape": (12, 0),
    "left": (12, 1),
    "top": (12, 2),
    "closest": (13, 0),
    "furthest": (13, 1),
    "count": (13, 2),
}
_TERNARY_TYPES = ("between", "on_band", "obtuse")
_N_QUESTION_FEATURES = 18
_SUBTYPE_BIT = 15

_YES, _NO, _SQUARE, _CIRCLE = 0, 1, 2, 3
_COUNT_OFFSET = 3  # a count of k objects is class 3 + k, so 1..6 -> 4..9

_MAX_TRIES = 10_000  # candidate centres per image before the placement gives up
# Largest possible minimum distance between 6 points in a unit square (Graham et al.):
# a side shorter than 2 * object_size / this value cannot hold 6 separated centres.
_MAX_SEPARATION_6 = math.sqrt(13) / 6


@dataclass(frozen=True, eq=False, repr=False)
class SortOfClevr:
    """A generated Sort-of-CLEVR data set: images, questions, answers and objects.

    Returned by :func:`make_sort_of_clevr`. Questions are rows of ``questions``,
    ``question_image``, ``question_type``, ``answers`` and ``relevant``; objects are
    rows of ``objects``.

    Attributes
    ----------
    images : ndarray of shape (n_images, 3, image_size, image_size), dtype float32
        RGB images with values in [0, 1] on a white background; axis 2 is the row
        (``y``, top to bottom) and axis 3 the column (``x``).

    questions : ndarray of shape (n_questions, 18), dtype float32
        Multi-hot question vectors in the reference encoding: bits 0-5 the colour of
        the queried object, bits 6-11 a second colour (ternary questions, always zero
        here), bits 12-14 the type (12 non-relational, 13 binary relational) and bits
        15-17 the subtype.

    question_image : ndarray of shape (n_questions,), dtype int64
        Index of the image that each question is about.

    question_type : ndarray of shape (n_questions,), dtype str
        Name of each question's type: ``"shape"``, ``"left"``, ``"top"``,
        ``"closest"``, ``"furthest"`` or ``"count"``.

    answers : ndarray of shape (n_questions,), dtype int64
        Class index of each answer in :data:`ANSWERS`, 0 to 9.

    objects : pandas.DataFrame
        One row per object, image by image and in colour order, with columns
        ``image``, ``color`` (name), ``color_index``, ``shape`` (``"square"`` or
        ``"circle"``), ``x`` and ``y`` (the integer centre; ``x`` is the column) and
        ``box_x0``, ``box_y0``, ``box_x1``, ``box_y1`` (the inclusive pixel box that
        the drawn object fills).

    relevant : list of tuple of int
        For each question, the colour indices of the objects that decide its answer:
        the queried object first, then for ``"closest"`` and ``"furthest"`` the
        object found, and for ``"count"`` every other object of the same shape in
        colour order. Non-relational questions name the queried object alone.

    COLORS : tuple of (str, tuple of int)
        Class attribute, the colour names and RGB values of :data:`COLORS`.

    ANSWERS : tuple of str
        Class attribute, the answer names of :data:`ANSWERS`.
    """

    images: np.ndarray
    questions: np.ndarray
    question_image: np.ndarray
    question_type: np.ndarray
    answers: np.ndarray
    objects: pd.DataFrame
    relevant: list[tuple[int, ...]]

    COLORS: ClassVar[tuple[tuple[str, tuple[int, int, int]], ...]] = COLORS
    ANSWERS: ClassVar[tuple[str, ...]] = ANSWERS

    @property
    def n_images(self) -> int:
        """Number of images."""
        return self.images.shape[0]

    @property
    def n_questions(self) -> int:
        """Number of questions, over all images."""
        return self.questions.shape[0]

    def object_regions(
        self, image: int, grid: int = 5, *, margin: float = 0.0
    ) -> dict[int, set[int]]:
        """The cells of a ``grid × grid`` region grid that each object of an image overlaps.

        The regions of a CNN feature map of ``grid × grid`` cells (a relation network's
        5×5 grid, the regions :class:`~sk_interact.TaylorCAMExplainer` ranks), numbered
        row-major, each covering ``image_size / grid`` pixels a side; an object overlaps
        a cell when its drawn box and the cell's pixel box intersect. These are the
        annotations ``TaylorCAMExplainer.score`` takes, one set per object.

        Parameters
        ----------
        image : int
            Index of the image.
        grid : int, default=5
            Cells per side of the region grid.
        margin : float, default=0.0
            Pixels by which each cell's box grows on every side before the overlap
            test. ``margin=8`` on the 5×5 grid of a 75-pixel image gives 31-pixel
            boxes, the receptive field of a unit after four 3×3 stride-2
            convolutions (the relation network's CNN), centred on its cell.

        Returns
        -------
        dict
            Colour index -> set of region indices, for the image's six objects.

        Examples
        --------
        >>> from sk_interact.datasets import make_sort_of_clevr
        >>> data = make_sort_of_clevr(1, questions_per_image=1, random_state=0)
        >>> regions = data.object_regions(0)
        >>> sorted(regions) == list(range(6)) and all(regions.values())
        True
        """
        if isinstance(margin, bool) or not isinstance(margin, numbers.Real) or margin < 0:
            raise ValueError(
                f"margin must be a number of pixels >= 0, got {margin!r}; pass 0 for the "
                "cells themselves."
            )
        cell = self.images.shape[-1] / grid
        rows = self.objects[self.objects["image"] == image]
        regions = {}
        for obj in rows.itertuples():
            # cell boxes are [x0 - margin, x1 + margin) in pixels, object boxes inclusive
            cols = [
                c
                for c in range(grid)
                if c * cell - margin <= obj.box_x1 and obj.box_x0 < (c + 1) * cell + margin
            ]
            lines = [
                r
                for r in range(grid)
                if r * cell - margin <= obj.box_y1 and obj.box_y0 < (r + 1) * cell + margin
            ]
            regions[int(obj.color_index)] = {r * grid + c for r in lines for c in cols}
        return regions

    def __repr__(self):
        present = set(self.question_type.tolist())
        types = tuple(name for name in _QUESTION_TYPES if name in present)
        return (
            f"{type(self).__name__}(n_images={self.n_images}, "
            f"n_questions={self.n_questions}, image_size={self.images.shape[-1]}, "
            f"question_types={types})"
        )


# ---------------------------------------------------------------------------------------
# Validation


def _check_int(value, name, minimum, hint):
    # bool is an Integral subclass but True is almost surely a mistake
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, (bool, np.bool_))
        or value < minimum
    ):
        raise ValueError(
            f"{name} must be an integer >= {minimum}, got {value!r} "
            f"(type {type(value).__name__}). {hint}"
        )
    return int(value)


def _check_question_type(question_type, parameter="question_type"):
    if question_type in _TERNARY_TYPES:
        raise ValueError(
            f"The question type {question_type!r} in {parameter} is a ternary relational "
            "question, which this generator does not implement. Pass one of "
            f"{list(_QUESTION_TYPES)}."
        )
    if not isinstance(question_type, str) or question_type not in _QUESTION_TYPES:
        raise ValueError(
            f"Unknown question type {question_type!r} in {parameter}. Pass one of "
            f"{list(_QUESTION_TYPES)}: "
            "non-relational 'shape', 'left', 'top'; binary relational 'closest', "
            "'furthest', 'count'."
        )
    return question_type


def _check_question_types(question_types):
    if isinstance(question_types, str):
        question_types = (question_types,)
    try:
        question_types = tuple(question_types)
    except TypeError:
        raise ValueError(
            f"question_types must be a sequence of question names, got {question_types!r}. "
            f"Pass e.g. ('closest', 'furthest', 'count'); names are {list(_QUESTION_TYPES)}."
        ) from None
    if not question_types:
        raise ValueError(
            "question_types is empty. Pass at least one of "
            f"{list(_QUESTION_TYPES)}, e.g. ('closest', 'furthest', 'count')."
        )
    for question_type in question_types:
        _check_question_type(question_type, parameter="question_types")
    if len(set(question_types)) < len(question_types):
        raise ValueError(
            f"question_types has repeated names: {question_types!r}. Types are drawn "
            "uniformly from the list, so pass each name once."
        )
    return question_types


def _check_geometry(image_size, object_size):
    object_size = _check_int(
        object_size, "object_size", 1, "Pass the half-width of an object in pixels, e.g. 5."
    )
    image_size = _check_int(
        image_size, "image_size", 1, "Pass the side of the square image in pixels, e.g. 75."
    )
    # centres lie in [object_size, image_size - object_size), a square of this side
    side = image_size - 2 * object_size - 1
    if side < 0 or 2 * object_size > side * _MAX_SEPARATION_6:
        raise ValueError(
            f"image_size={image_size} is too small for object_size={object_size}: "
            f"{_N_OBJECTS} centres at least 2 * object_size = {2 * object_size} px apart "
            f"must fit in [{object_size}, {image_size - object_size}) on both axes. "
            f"Pass image_size >= {_min_image_size(object_size)} or a smaller object_size."
        )
    return image_size, object_size


def _min_image_size(object_size):
    """Smallest image size that passes the packing bound of :func:`_check_geometry`."""
    return 2 * object_size + 1 + math.ceil(2 * object_size / _MAX_SEPARATION_6)


def _scene_table(objects):
    """``objects`` as a DataFrame sorted by colour index, checked for one scene."""
    try:
        table = pd.DataFrame(objects).copy()
    except (TypeError, ValueError) as error:
        raise ValueError(
            "objects must be a DataFrame, or a list of dicts, with columns "
            f"'color_index' (or 'color'), 'shape', 'x' and 'y'; got {objects!r}."
        ) from error
    if "color_index" not in table.columns and "color" in table.columns:
        unknown = set(table["color"]) - set(_COLOR_NAMES)
        if unknown:
            raise ValueError(
                f"objects has unknown colour names {sorted(unknown)}. "
                f"Pass names from {list(_COLOR_NAMES)}."
            )
        table["color_index"] = [_COLOR_NAMES.index(name) for name in table["color"]]
    missing = [c for c in ("color_index", "shape", "x", "y") if c not in table.columns]
    if missing:
        raise ValueError(
            f"objects lacks the columns {missing}. Pass one row per object with "
            "'color_index' (or 'color'), 'shape' ('square' or 'circle'), 'x' (column) "
            "and 'y' (row)."
        )
    if len(table) == 0:
        raise ValueError("objects is empty. Pass at least one object.")
    for column in ("color_index", "x", "y"):
        values = table[column].to_numpy()
        if not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"objects[{column!r}] must hold integers, got dtype {values.dtype}. "
                "Pass integer pixel coordinates and colour indices."
            )
    colors = table["color_index"].to_numpy()
    if colors.min() < 0 or colors.max() >= _N_OBJECTS or len(set(colors)) < len(colors):
        raise ValueError(
            f"objects['color_index'] must hold distinct values in 0..{_N_OBJECTS - 1} "
            f"(one object per colour), got {colors.tolist()}."
        )
    unknown = set(table["shape"]) - set(_SHAPES)
    if unknown:
        raise ValueError(
            f"objects['shape'] has unknown shapes {sorted(unknown)}. Pass 'square' or 'circle'."
        )
    return table.sort_values("color_index", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Drawing and answering: one scene at a time


def _footprint(shape, object_size):
    """Boolean mask of shape (2s + 1, 2s + 1) of the pixels an object fills."""
    offsets = np.arange(-object_size, object_size + 1)
    if shape == "square":
        return np.ones((offsets.size, offsets.size), dtype=bool)
    # a filled disc: the pixel centres within the radius
    return offsets[:, None] ** 2 + offsets[None, :] ** 2 <= object_size**2


def _box(x, y, object_size, image_size):
    """Inclusive box ``(x0, y0, x1, y1)`` of an object, clipped to the image."""
    return (
        max(x - object_size, 0),
        max(y - object_size, 0),
        min(x + object_size, image_size - 1),
        min(y + object_size, image_size - 1),
    )


def _draw(image, x, y, footprint, rgb):
    """Paint ``footprint`` centred at column ``x``, row ``y`` of ``image`` (3, H, W)."""
    half = footprint.shape[0] // 2
    x0, y0, x1, y1 = _box(x, y, half, image.shape[-1])
    if x0 > x1 or y0 > y1:  # entirely outside the image
        return
    mask = footprint[y0 - (y - half) : y1 - (y - half) + 1, x0 - (x - half) : x1 - (x - half) + 1]
    image[:, y0 : y1 + 1, x0 : x1 + 1][:, mask] = rgb[:, None]


def _answer(question_type, xy, is_square, query, half_size):
    """Answer class and relevant positions for the object at position ``query``.

    ``xy`` (n, 2) holds integer centres (column, row) and ``is_square`` (n,) the
    shapes of the scene's objects in colour order, so that the first of tied
    objects is the one with the lower colour index.
    """
    if question_type == "shape":
        return (_SQUARE if is_square[query] else _CIRCLE), (query,)
    if question_type == "left":
        return (_YES if xy[query, 0] < half_size else _NO), (query,)
    if question_type == "top":
        return (_YES if xy[query, 1] < half_size else _NO), (query,)
    if question_type == "count":
        same = np.flatnonzero(is_square == is_square[query])
        others = tuple(int(j) for j in same if j != query)
        return _COUNT_OFFSET + same.size, (query, *others)
    # closest / furthest: the queried object itself is never a candidate
    squared = ((xy - xy[query]) ** 2).sum(axis=1).astype(np.float64)
    if question_type == "closest":
        squared[query] = np.inf
        found = int(np.argmin(squared))  # argmin takes the first of ties
    else:
        squared[query] = -np.inf
        found = int(np.argmax(squared))
    return (_SQUARE if is_square[found] else _CIRCLE), (query, found)


def render_scene(objects, *, image_size: int = 75, object_size: int = 5) -> np.ndarray:
    """Draw one scene of hand-placed objects as :func:`make_sort_of_clevr` does.

    Parameters
    ----------
    objects : pandas.DataFrame or list of dict
        One row per object with ``color_index`` (0-5, or ``color``, a name of
        :data:`COLORS`), ``shape`` (``"square"`` or ``"circle"``) and the integer
        centre ``x`` (column) and ``y`` (row); other columns are ignored, so the rows
        of one image of :attr:`SortOfClevr.objects` can be passed. Each colour at
        most once; objects may lie partly outside the image.

    image_size : int, default=75
        Side of the square image in pixels.

    object_size : int, default=5
        Half-width of an object: a square fills the ``(2 * object_size + 1)``-pixel
        block around its centre, a circle the pixels within ``object_size`` of it.

    Returns
    -------
    image : ndarray of shape (3, image_size, image_size), dtype float32
        RGB image with values in [0, 1], white where no object is; objects are
        painted in colour order, so a later colour covers an earlier one.

    Raises
    ------
    ValueError
        If ``objects`` lacks a column, repeats a colour or names an unknown colour
        or shape, or if a size is not a positive integer.

    Examples
    --------
    >>> from sk_interact.datasets import render_scene
    >>> image = render_scene([{"color": "red", "shape": "square", "x": 20, "y": 30}])
    >>> image.shape
    (3, 75, 75)
    >>> image[:, 30, 20].tolist(), image[:, 20, 30].tolist()
    ([1.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    >>> int((image.min(axis=0) < 1).sum())  # an 11 x 11 square
    121
    """
    image_size = _check_int(image_size, "image_size", 1, "Pass e.g. 75.")
    object_size = _check_int(object_size, "object_size", 0, "Pass e.g. 5.")
    table = _scene_table(objects)
    image = np.ones((3, image_size, image_size), dtype=np.float32)
    for color, shape, x, y in zip(table["color_index"], table["shape"], table["x"], table["y"]):
        _draw(image, int(x), int(y), _footprint(shape, object_size), _RGB[color])
    return image


def answer_question(
    question_type: str, objects, color_index: int, *, image_size: int = 75
) -> tuple[int, tuple[int, ...]]:
    """Answer one question about a scene, as :func:`make_sort_of_clevr` does.

    Parameters
    ----------
    question_type : str
        ``"shape"``, ``"left"``, ``"top"``, ``"closest"``, ``"furthest"`` or
        ``"count"``; see :func:`make_sort_of_clevr`.

    objects : pandas.DataFrame or list of dict
        The scene, as for :func:`render_scene`. ``"closest"`` and ``"furthest"``
        need at least two objects.

    color_index : int
        Colour index (0-5) of the queried object; it must be in the scene.

    image_size : int, default=75
        Side of the image; ``"left"`` and ``"top"`` compare the centre with
        ``image_size / 2``.

    Returns
    -------
    answer : int
        Class index in :data:`ANSWERS`.

    relevant : tuple of int
        Colour indices of the objects that decide the answer, the queried one first;
        see :attr:`SortOfClevr.relevant`.

    Raises
    ------
    ValueError
        If ``question_type`` is unknown, the scene is malformed (see
        :func:`render_scene`), the queried colour is not in it, or a relational
        question is asked about a scene of one object.

    Examples
    --------
    >>> from sk_interact.datasets import SortOfClevr, answer_question
    >>> scene = [
    ...     {"color": "red", "shape": "square", "x": 10, "y": 10},
    ...     {"color": "green", "shape": "circle", "x": 20, "y": 10},
    ...     {"color": "blue", "shape": "square", "x": 60, "y": 60},
    ... ]
    >>> answer, relevant = answer_question("closest", scene, color_index=0)
    >>> SortOfClevr.ANSWERS[answer], relevant
    ('circle', (0, 1))
    >>> answer, relevant = answer_question("count", scene, color_index=0)
    >>> SortOfClevr.ANSWERS[answer], relevant
    ('2', (0, 2))
    """
    question_type = _check_question_type(question_type)
    image_size = _check_int(image_size, "image_size", 1, "Pass e.g. 75.")
    table = _scene_table(objects)
    colors = table["color_index"].to_numpy()
    if isinstance(color_index, (bool, np.bool_)) or color_index not in set(colors.tolist()):
        raise ValueError(
            f"color_index={color_index!r} is not the colour of an object in the scene, "
            f"whose colour indices are {colors.tolist()}."
        )
    if question_type in ("closest", "furthest") and len(table) < 2:
        raise ValueError(
            f"question_type={question_type!r} compares the queried object with the "
            "others, but the scene has one object. Pass a scene of two objects or more."
        )
    xy = table[["x", "y"]].to_numpy(dtype=np.int64)
    is_square = (table["shape"] == "square").to_numpy()
    query = int(np.flatnonzero(colors == color_index)[0])
    answer, positions = _answer(question_type, xy, is_square, query, image_size / 2)
    return int(answer), tuple(int(colors[p]) for p in positions)


# ---------------------------------------------------------------------------------------
# The generator


def _place_centres(random_state, image_size, object_size):
    """Integer centres (column, row) of the 6 objects, in colour order.

    Each candidate is uniform on [object_size, image_size - object_size)² and kept
    only if it is at least 2 * object_size from every centre kept before it.
    """
    min_squared = (2 * object_size) ** 2
    centres = np.empty((_N_OBJECTS, 2), dtype=np.int64)
    n_placed = 0
    for _ in range(_MAX_TRIES):
        candidate = random_state.randint(object_size, image_size - object_size, size=2)
        squared = ((centres[:n_placed] - candidate) ** 2).sum(axis=1)
        if np.all(squared >= min_squared):
            centres[n_placed] = candidate
            n_placed += 1
            if n_placed == _N_OBJECTS:
                return centres
    raise ValueError(
        f"Could not place {_N_OBJECTS} objects {2 * object_size} px apart in an image of "
        f"image_size={image_size} with object_size={object_size} after {_MAX_TRIES} "
        "tries. Pass a larger image_size or a smaller object_size."
    )


def make_sort_of_clevr(
    n_images: int,
    *,
    questions_per_image: int = 10,
    question_types=("closest", "furthest", "count"),
    image_size: int = 75,
    object_size: int = 5,
    random_state: int | np.random.RandomState | None = None,
) -> SortOfClevr:
    """Generate the Sort-of-CLEVR relational-reasoning task of Santoro et al. (2017).

    Draws ``n_images`` scenes of six objects, one per colour of :data:`COLORS`, and
    ``questions_per_image`` questions about each, with their answers, the objects'
    pixel boxes and, for each question, the objects that decide the answer.

    Parameters
    ----------
    n_images : int
        Number of images, an integer >= 1. The original data set has 10,000.

    questions_per_image : int, default=10
        Questions asked about each image, an integer >= 1. Each question's type is
        drawn uniformly from ``question_types`` and its colour uniformly from the six.

    question_types : sequence of str, default=("closest", "furthest", "count")
        The question types to draw from, each at most once:

        - ``"shape"``: the shape of the object (answer square or circle);
        - ``"left"``: is its centre left of the middle, ``x < image_size / 2``
          (yes or no);
        - ``"top"``: is its centre above the middle, ``y < image_size / 2``
          (yes or no);
        - ``"closest"``: the shape of the object closest to it, itself excluded;
        - ``"furthest"``: the shape of the object furthest from it;
        - ``"count"``: the number of objects of its shape, itself included
          (1 to 6).

        The first three are the non-relational questions, the last three the binary
        relational ones; the default, the relational ones, are those of the
        Taylor-CAM experiment. The reference's ternary questions are not
        implemented, and their names (``"between"``, ``"on_band"``, ``"obtuse"``)
        raise a ValueError.

    image_size : int, default=75
        Side of the square images in pixels.

    object_size : int, default=5
        Half-width of an object in pixels: a square is ``2 * object_size + 1``
        pixels wide, a circle has radius ``object_size``, and centres are at least
        ``2 * object_size`` apart.

    random_state : int, RandomState instance or None, default=None
        Seeds all draws, through :func:`sklearn.utils.check_random_state`. Pass an
        int for reproducible output.

    Returns
    -------
    data : SortOfClevr
        Frozen dataclass with ``images``, ``questions``, ``question_image``,
        ``question_type``, ``answers``, ``objects`` and ``relevant``; see
        :class:`SortOfClevr`. Questions are grouped by image, in image order.

    Raises
    ------
    ValueError
        If ``n_images`` or ``questions_per_image`` is not an integer >= 1, if
        ``question_types`` is empty, repeats a name or holds an unknown or ternary
        name, or if six objects cannot be placed with ``image_size`` and
        ``object_size`` (checked up front, and after 10,000 rejected centres for one
        image).

    See Also
    --------
    render_scene : Draw a hand-built scene.
    answer_question : Answer a question about a hand-built scene.

    Notes
    -----
    The rules are those of the open-source generator the Taylor-CAM paper used
    (kimhc6028/relational-networks): centres are integers drawn uniformly from
    ``[object_size, image_size - object_size)`` on both axes, in colour order, and a
    centre closer than ``2 * object_size`` to an earlier one is drawn again; each
    object is a square or a circle with probability 1/2; objects are drawn filled,
    in colour order; answers use the reference's 10 classes and questions its
    18-dim encoding. Distances are Euclidean between integer centres and ties go to
    the lower colour index. This generator differs from the reference where the
    reference is mistaken or tied to its tools:

    - ``"closest"`` excludes the queried object. The reference instead gives the
      object's own distance the value 999, so when every other object is more than
      √999 ≈ 31.6 px away (about 7% of its closest-to questions) it answers with
      the object's own shape;
    - images are RGB with rows as ``y``, where the reference stores BGR and its
      loader transposes the spatial axes;
    - circles are the pixels whose centre lies within ``object_size`` of the
      object's centre, which may differ at the rim from OpenCV's rasterisation;
    - one random state drives every draw (the reference uses two), so the data set
      is not the reference's for any seed;
    - ternary relational questions are not generated.

    References
    ----------
    .. [1] A. Santoro, D. Raposo, D. G. T. Barrett, M. Malinowski, R. Pascanu,
       P. Battaglia and T. Lillicrap, "A simple neural network module for
       relational reasoning", Advances in Neural Information Processing Systems
       (NeurIPS), 2017.

    Examples
    --------
    >>> from sk_interact.datasets import make_sort_of_clevr
    >>> data = make_sort_of_clevr(4, random_state=0)
    >>> data.images.shape, data.questions.shape, data.answers.shape
    ((4, 3, 75, 75), (40, 18), (40,))
    >>> data.objects.head(2)
       image  color  color_index   shape   x   y  box_x0  box_y0  box_x1  box_y1
    0      0    red            0  square  49  52      44      47      54      57
    1      0  green            1  circle  69  14      64       9      74      19

    The first question, about image 0: what shape is the object furthest from the
    orange one? The green one is, a circle.

    >>> str(data.question_type[0]), int(data.question_image[0])
    ('furthest', 0)
    >>> data.ANSWERS[data.answers[0]], [data.COLORS[c][0] for c in data.relevant[0]]
    ('circle', ['orange', 'green'])
    """
    n_images = _check_int(n_images, "n_images", 1, "Pass a positive int such as 10000.")
    questions_per_image = _check_int(
        questions_per_image, "questions_per_image", 1, "Pass a positive int such as 10."
    )
    question_types = _check_question_types(question_types)
    image_size, object_size = _check_geometry(image_size, object_size)
    random_state = check_random_state(random_state)

    footprints = {shape: _footprint(shape, object_size) for shape in _SHAPES}
    half_size = image_size / 2
    n_questions = n_images * questions_per_image

    images = np.ones((n_images, 3, image_size, image_size), dtype=np.float32)
    centres = np.empty((n_images, _N_OBJECTS, 2), dtype=np.int64)
    is_square = np.empty((n_images, _N_OBJECTS), dtype=bool)
    type_codes = np.empty(n_questions, dtype=np.intp)
    colors = np.empty(n_questions, dtype=np.int64)
    answers = np.empty(n_questions, dtype=np.int64)
    relevant = []
    for image in range(n_images):
        centres[image] = _place_centres(random_state, image_size, object_size)
        is_square[image] = random_state.random_sample(_N_OBJECTS) < 0.5
        for color, ((x, y), square) in enumerate(zip(centres[image], is_square[image])):
            footprint = footprints["square" if square else "circle"]
            _draw(images[image], int(x), int(y), footprint, _RGB[color])

        rows = slice(image * questions_per_image, (image + 1) * questions_per_image)
        type_codes[rows] = random_state.randint(len(question_types), size=questions_per_image)
        colors[rows] = random_state.randint(_N_OBJECTS, size=questions_per_image)
        for row in range(rows.start, rows.stop):
            answers[row], positions = _answer(
                question_types[type_codes[row]],
                centres[image],
                is_square[image],
                int(colors[row]),
                half_size,
            )
            relevant.append(tuple(int(p) for p in positions))

    question_type = np.asarray(question_types)[type_codes]
    questions = np.zeros((n_questions, _N_QUESTION_FEATURES), dtype=np.float32)
    type_bits = np.array([_QUESTION_TYPES[name] for name in question_types])[type_codes]
    rows = np.arange(n_questions)
    questions[rows, colors] = 1
    questions[rows, type_bits[:, 0]] = 1
    questions[rows, _SUBTYPE_BIT + type_bits[:, 1]] = 1

    return SortOfClevr(
        images=images,
        questions=questions,
        question_image=np.repeat(np.arange(n_images, dtype=np.int64), questions_per_image),
        question_type=question_type,
        answers=answers,
        objects=_objects_table(centres, is_square, object_size, image_size),
        relevant=relevant,
    )


def _objects_table(centres, is_square, object_size, image_size):
    """The ``objects`` DataFrame of :class:`SortOfClevr`, one row per (image, object)."""
    n_images = centres.shape[0]
    color_index = np.tile(np.arange(_N_OBJECTS, dtype=np.int64), n_images)
    x, y = centres[..., 0].ravel(), centres[..., 1].ravel()
    return pd.DataFrame(
        {
            "image": np.repeat(np.arange(n_images, dtype=np.int64), _N_OBJECTS),
            "color": np.asarray(_COLOR_NAMES, dtype=object)[color_index],
            "color_index": color_index,
            "shape": np.where(is_square.ravel(), *_SHAPES).astype(object),
            "x": x,
            "y": y,
            # the placement keeps every object inside the image, so no clipping happens
            "box_x0": np.maximum(x - object_size, 0),
            "box_y0": np.maximum(y - object_size, 0),
            "box_x1": np.minimum(x + object_size, image_size - 1),
            "box_y1": np.minimum(y + object_size, image_size - 1),
        }
    )
