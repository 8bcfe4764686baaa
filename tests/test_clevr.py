"""Tests for the Sort-of-CLEVR generator (sk_interact.datasets._clevr).

Expected values come from ``shared/reference/sort-of-clevr.md`` (colour table, placement
rule, 18-dim question encoding, answer classes), re-derived by hand or by brute force.
"""

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from sk_interact.datasets._clevr import (
    ANSWERS,
    COLORS,
    SortOfClevr,
    answer_question,
    make_sort_of_clevr,
    render_scene,
)

YES, NO, SQUARE, CIRCLE = 0, 1, 2, 3
RELATIONAL = ("closest", "furthest", "count")
NON_RELATIONAL = ("shape", "left", "top")
ALL_TYPES = NON_RELATIONAL + RELATIONAL
# (type bit, subtype bit) of the reference's 18-dim encoding, per question type
ENCODING = {
    "shape": (12, 15),
    "left": (12, 16),
    "top": (12, 17),
    "closest": (13, 15),
    "furthest": (13, 16),
    "count": (13, 17),
}


def obj(color, shape, x, y):
    return {"color_index": color, "shape": shape, "x": x, "y": y}


# red square (10, 10), green circle (20, 10), blue square (60, 60),
# orange circle (10, 60), gray square (40, 20), yellow circle (60, 10)
SCENE = [
    obj(0, "square", 10, 10),
    obj(1, "circle", 20, 10),
    obj(2, "square", 60, 60),
    obj(3, "circle", 10, 60),
    obj(4, "square", 40, 20),
    obj(5, "circle", 60, 10),
]


@pytest.fixture(scope="module")
def data():
    return make_sort_of_clevr(300, question_types=ALL_TYPES, random_state=0)


# ---------------------------------------------------------------------------------------
# Constants


def test_colors_and_answers_follow_the_reference_table():
    # RGB (not the reference's BGR) values of the colour table; the 10 answer classes.
    assert COLORS == (
        ("red", (255, 0, 0)),
        ("green", (0, 255, 0)),
        ("blue", (0, 0, 255)),
        ("orange", (255, 156, 0)),
        ("gray", (128, 128, 128)),
        ("yellow", (255, 255, 0)),
    )
    assert ANSWERS == ("yes", "no", "square", "circle", "1", "2", "3", "4", "5", "6")
    assert SortOfClevr.COLORS is COLORS and SortOfClevr.ANSWERS is ANSWERS


# ---------------------------------------------------------------------------------------
# Answers on hand-built scenes


@pytest.mark.parametrize(
    "question_type, color, expected",
    [
        ("shape", 0, (SQUARE, (0,))),
        ("shape", 1, (CIRCLE, (1,))),
        ("left", 0, (YES, (0,))),
        ("left", 2, (NO, (2,))),
        ("top", 0, (YES, (0,))),
        ("top", 3, (NO, (3,))),
        # red's nearest is green at 10 px, a circle
        ("closest", 0, (CIRCLE, (0, 1))),
        # blue's nearest: orange at 50, gray at sqrt(20² + 40²) = 44.7 -> gray square
        ("closest", 2, (SQUARE, (2, 4))),
        # red's furthest is blue at sqrt(5000); orange and yellow are at 50
        ("furthest", 0, (SQUARE, (0, 2))),
        # gray (40, 20): orange at sqrt(30² + 40²) = 50, blue at sqrt(20² + 40²) -> orange
        ("furthest", 4, (CIRCLE, (4, 3))),
        # squares: red, blue, gray -> count 3 -> class 6
        ("count", 0, (6, (0, 2, 4))),
        ("count", 2, (6, (2, 0, 4))),
        ("count", 5, (6, (5, 1, 3))),
    ],
)
def test_answers_on_a_hand_built_scene(question_type, color, expected):
    # Known answers and relevant objects, worked out by hand from the coordinates.
    assert answer_question(question_type, SCENE, color) == expected


def test_closest_excludes_the_queried_object_where_the_reference_does_not():
    # Every other object is > sqrt(999) = 31.6 px from red, so the reference's 999
    # trick would answer red's own shape (square); the true nearest is a circle.
    scene = [
        obj(0, "square", 37, 37),
        obj(1, "circle", 37, 5),  # 32 px away, the nearest
        obj(2, "square", 5, 69),
        obj(3, "square", 69, 69),
        obj(4, "square", 69, 5),
        obj(5, "square", 5, 5),
    ]
    others = np.array([[o["x"], o["y"]] for o in scene[1:]])
    assert (((others - [37, 37]) ** 2).sum(axis=1) > 999).all()
    assert answer_question("closest", scene, 0) == (CIRCLE, (0, 1))


@pytest.mark.parametrize(
    "question_type, expected",
    [("closest", (SQUARE, (4, 0))), ("furthest", (CIRCLE, (4, 1)))],
)
def test_ties_go_to_the_lower_colour_index(question_type, expected):
    # Red and yellow are both 10 px from gray; green and blue both 30 px.
    scene = [
        obj(5, "circle", 50, 40),  # listed first: order of rows does not matter
        obj(0, "square", 30, 40),
        obj(4, "circle", 40, 40),
        obj(1, "circle", 40, 10),
        obj(2, "square", 40, 70),
    ]
    assert answer_question(question_type, scene, 4) == expected


@pytest.mark.parametrize(
    "image_size, x, expected", [(75, 37, YES), (75, 38, NO), (40, 19, YES), (40, 20, NO)]
)
def test_left_and_top_compare_with_half_the_image_size(image_size, x, expected):
    # The midline is image_size / 2: 37.5 for 75, 20 for 40.
    scene = [obj(0, "square", x, x)]
    assert answer_question("left", scene, 0, image_size=image_size)[0] == expected
    assert answer_question("top", scene, 0, image_size=image_size)[0] == expected


def test_answer_question_accepts_a_slice_of_the_objects_table(data):
    # The rows of one image of `objects` (with colour names) are a valid scene.
    scene = data.objects[data.objects["image"] == 3]
    by_name = scene.drop(columns="color_index")
    assert answer_question("count", scene, 2) == answer_question("count", by_name, 2)


# ---------------------------------------------------------------------------------------
# Pixels


def test_a_square_fills_exactly_its_box_in_rgb_with_x_as_column():
    # A red square at x=20, y=30 fills rows 25..35, columns 15..25, red = (1, 0, 0).
    image = render_scene([obj(0, "square", 20, 30)])
    assert image.shape == (3, 75, 75) and image.dtype == np.float32
    expected = np.ones((3, 75, 75), dtype=np.float32)
    expected[1:, 25:36, 15:26] = 0  # green and blue off; red stays 1
    np.testing.assert_array_equal(image, expected)
    # not transposed: (row 30, column 20) is red, (row 20, column 30) is background
    assert image[:, 30, 20].tolist() == [1, 0, 0]
    assert image[:, 20, 30].tolist() == [1, 1, 1]


@pytest.mark.parametrize("color", range(6))
def test_every_colour_is_drawn_with_its_rgb_value(color):
    # The pixel at the centre carries the colour table's RGB / 255, in RGB order.
    image = render_scene([obj(color, "circle", 40, 40)])
    np.testing.assert_allclose(image[:, 40, 40], np.array(COLORS[color][1]) / 255, rtol=1e-6)


@pytest.mark.parametrize("radius", [1, 3, 5, 8])
def test_a_circle_fills_the_lattice_points_of_its_disc(radius):
    # Pixel count = #{(dx, dy) : dx² + dy² <= r²}; for r = 5 that is 81.
    image = render_scene([obj(2, "circle", 30, 40)], object_size=radius)
    drawn = image.min(axis=0) < 1
    lattice = {
        (40 + dy, 30 + dx)
        for dx, dy in itertools.product(range(-radius, radius + 1), repeat=2)
        if dx * dx + dy * dy <= radius * radius
    }
    assert set(zip(*np.nonzero(drawn))) == lattice
    if radius == 5:
        assert len(lattice) == 81


def test_later_colours_cover_earlier_ones_and_objects_are_clipped():
    # Overlap: yellow (5) is painted over red (0); a square half outside is clipped.
    image = render_scene(
        [obj(5, "square", 10, 10), obj(0, "square", 14, 10), obj(1, "square", 72, 2)]
    )
    assert image[:, 10, 12].tolist() == [1, 1, 0]  # yellow on top of red
    assert image[:, 10, 17].tolist() == [1, 0, 0]  # red beyond yellow's box
    green = (image == np.array([0, 1, 0], dtype=np.float32)[:, None, None]).all(axis=0)
    assert green.sum() == 8 * 8 and green[0:8, 67:75].all()  # rows 0..7, columns 67..74


def test_generated_images_are_their_rendered_scenes_and_boxes_match(data):
    # Each image equals render_scene of its objects; each object's box is the bounding
    # box of the object drawn alone, and its colour appears nowhere outside the box.
    for image in range(0, data.n_images, 10):
        scene = data.objects[data.objects["image"] == image]
        np.testing.assert_array_equal(data.images[image], render_scene(scene))
        for row in scene.itertuples():
            alone = render_scene(scene[scene["color_index"] == row.color_index])
            rows, cols = np.nonzero(alone.min(axis=0) < 1)
            assert (cols.min(), rows.min(), cols.max(), rows.max()) == (
                row.box_x0,
                row.box_y0,
                row.box_x1,
                row.box_y1,
            )
            rgb = np.array(COLORS[row.color_index][1], dtype=np.float32)[:, None, None] / 255
            rows, cols = np.nonzero((data.images[image] == rgb).all(axis=0))
            assert rows.min() >= row.box_y0 and rows.max() <= row.box_y1
            assert cols.min() >= row.box_x0 and cols.max() <= row.box_x1


def test_images_are_white_rgb_in_unit_range(data):
    # float32 in [0, 1]; the corners of the canvas are mostly background white.
    assert data.images.dtype == np.float32
    assert data.images.shape == (300, 3, 75, 75)
    assert data.images.min() >= 0 and data.images.max() <= 1
    white = (data.images == 1).all(axis=1).mean()
    assert 0.7 < white < 0.95  # six objects of ~100 px on 5,625 px


# ---------------------------------------------------------------------------------------
# Placement and randomness


@pytest.mark.parametrize("image_size, object_size", [(75, 5), (40, 3)])
def test_centres_are_in_range_and_separated(image_size, object_size):
    # Centres in [s, size - s) and pairwise >= 2s apart, over many images.
    data = make_sort_of_clevr(200, image_size=image_size, object_size=object_size, random_state=1)
    xy = data.objects[["x", "y"]].to_numpy().reshape(200, 6, 2)
    assert xy.min() >= object_size and xy.max() < image_size - object_size
    diff = xy[:, :, None, :] - xy[:, None, :, :]
    squared = (diff**2).sum(axis=-1) + np.eye(6, dtype=int) * 10**6
    assert squared.min() >= (2 * object_size) ** 2
    # both ends of the range are reached, so the range is not narrower than asked
    assert xy.min() == object_size and xy.max() == image_size - object_size - 1


def test_objects_table_layout(data):
    # One row per (image, colour), in order, with integer columns and valid shapes.
    objects = data.objects
    assert isinstance(objects, pd.DataFrame) and len(objects) == 300 * 6
    assert list(objects.columns) == [
        "image", "color", "color_index", "shape", "x", "y",
        "box_x0", "box_y0", "box_x1", "box_y1",
    ]  # fmt: skip
    assert objects["image"].tolist() == np.repeat(np.arange(300), 6).tolist()
    assert objects["color_index"].tolist() == list(range(6)) * 300
    assert objects["color"].tolist() == [name for name, _ in COLORS] * 300
    assert set(objects["shape"]) == {"square", "circle"}
    np.testing.assert_array_equal(objects["box_x1"] - objects["box_x0"], 10)
    np.testing.assert_array_equal(objects["box_y0"], objects["y"] - 5)


def test_same_seed_same_data_other_seed_other_data():
    # Everything is a function of random_state.
    first = make_sort_of_clevr(5, random_state=7)
    again = make_sort_of_clevr(5, random_state=np.random.RandomState(7))
    other = make_sort_of_clevr(5, random_state=8)
    for field in ("images", "questions", "question_image", "question_type", "answers"):
        np.testing.assert_array_equal(getattr(first, field), getattr(again, field))
    pd.testing.assert_frame_equal(first.objects, again.objects)
    assert first.relevant == again.relevant
    assert not np.array_equal(first.images, other.images)


def test_shapes_colours_and_types_are_balanced(data):
    # Shapes ~ 1/2, question types ~ 1/6 and colours ~ 1/6 (loose bounds, 3,000 draws).
    assert 0.45 < (data.objects["shape"] == "square").mean() < 0.55
    _, type_counts = np.unique(data.question_type, return_counts=True)
    assert type_counts.size == 6 and (np.abs(type_counts / 3000 - 1 / 6) < 0.04).all()
    color_counts = data.questions[:, :6].sum(axis=0)
    assert (np.abs(color_counts / 3000 - 1 / 6) < 0.04).all()


# ---------------------------------------------------------------------------------------
# Questions and answers of the generator


def test_question_encoding_follows_the_reference(data):
    # One colour bit in 0-5, none in 6-11, the type bit and the subtype bit, nothing else.
    q = data.questions
    assert q.dtype == np.float32 and q.shape == (3000, 18)
    assert set(np.unique(q)) <= {0.0, 1.0}
    np.testing.assert_array_equal(q[:, :6].sum(axis=1), 1)
    np.testing.assert_array_equal(q[:, 6:12], 0)
    np.testing.assert_array_equal(q.sum(axis=1), 3)
    for name, (type_bit, subtype_bit) in ENCODING.items():
        rows = data.question_type == name
        assert rows.any()
        assert (q[rows, type_bit] == 1).all() and (q[rows, subtype_bit] == 1).all()


def test_question_image_groups_questions_by_image(data):
    # Ten questions per image, in image order, as int64.
    assert data.question_image.dtype == np.int64
    np.testing.assert_array_equal(data.question_image, np.repeat(np.arange(300), 10))


@pytest.mark.parametrize(
    "question_type, allowed",
    [
        ("shape", {SQUARE, CIRCLE}),
        ("left", {YES, NO}),
        ("top", {YES, NO}),
        ("closest", {SQUARE, CIRCLE}),
        ("furthest", {SQUARE, CIRCLE}),
        ("count", set(range(4, 10))),
    ],
)
def test_answers_are_in_range_per_type(data, question_type, allowed):
    # Each type answers within its own classes, and both yes/no or both shapes occur.
    answers = set(data.answers[data.question_type == question_type].tolist())
    assert answers <= allowed
    assert len(answers) >= 2


def brute_force(question_type, xy, shapes, a):
    """Answer and relevant colours, recomputed with plain loops over the six objects."""
    if question_type == "shape":
        return (SQUARE if shapes[a] == "square" else CIRCLE), (a,)
    if question_type in ("left", "top"):
        axis = 0 if question_type == "left" else 1
        return (YES if xy[a][axis] < 37.5 else NO), (a,)
    if question_type == "count":
        same = [b for b in range(6) if shapes[b] == shapes[a]]
        return 3 + len(same), (a, *(b for b in same if b != a))
    distances = {
        b: (xy[a][0] - xy[b][0]) ** 2 + (xy[a][1] - xy[b][1]) ** 2 for b in range(6) if b != a
    }
    sign = 1 if question_type == "closest" else -1
    b = min(distances, key=lambda b: (sign * distances[b], b))
    return (SQUARE if shapes[b] == "square" else CIRCLE), (a, b)


def test_generated_answers_match_a_brute_force_recomputation(data):
    # Every answer and relevant tuple agrees with an independent loop, and with
    # answer_question on the image's objects.
    objects = data.objects
    for q in range(0, data.n_questions, 3):
        image = int(data.question_image[q])
        scene = objects.iloc[6 * image : 6 * image + 6]
        xy = scene[["x", "y"]].to_numpy().tolist()
        shapes = scene["shape"].tolist()
        a = int(np.argmax(data.questions[q, :6]))
        expected = brute_force(str(data.question_type[q]), xy, shapes, a)
        assert (int(data.answers[q]), data.relevant[q]) == expected
        if q % 30 == 0:
            assert answer_question(str(data.question_type[q]), scene, a) == expected


def test_relevant_tuples_have_the_documented_form(data):
    # Queried colour first; length 1, 2 or (count) the number of same-shape objects.
    assert len(data.relevant) == data.n_questions
    lengths = {"shape": 1, "left": 1, "top": 1, "closest": 2, "furthest": 2}
    for q, relevant in enumerate(data.relevant):
        assert relevant[0] == int(np.argmax(data.questions[q, :6]))
        assert len(set(relevant)) == len(relevant)
        name = str(data.question_type[q])
        assert len(relevant) == lengths.get(name, int(data.answers[q]) - 3)


def test_default_question_types_are_the_binary_relational_ones():
    # The default asks the Taylor-CAM experiment's three relational questions only.
    data = make_sort_of_clevr(20, random_state=0)
    assert set(data.question_type.tolist()) == set(RELATIONAL)
    assert (data.questions[:, 13] == 1).all()


def test_result_is_a_frozen_dataclass_with_a_short_repr():
    # Fields cannot be reassigned; the repr names sizes, not arrays.
    data = make_sort_of_clevr(2, questions_per_image=3, question_types="count", random_state=0)
    assert [f.name for f in dataclasses.fields(data)] == [
        "images", "questions", "question_image", "question_type", "answers",
        "objects", "relevant",
    ]  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.images = None
    assert repr(data) == (
        "SortOfClevr(n_images=2, n_questions=6, image_size=75, question_types=('count',))"
    )


# ---------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_images": 0}, "n_images must be an integer >= 1"),
        ({"n_images": 2.0}, "n_images must be an integer >= 1"),
        ({"n_images": True}, "n_images must be an integer >= 1"),
        ({"questions_per_image": 0}, "questions_per_image must be an integer >= 1"),
        ({"question_types": ("closest", "nearest")}, "Unknown question type 'nearest'.*'count'"),
        ({"question_types": ("between",)}, "ternary relational question"),
        ({"question_types": ()}, "question_types is empty"),
        ({"question_types": ("count", "count")}, "repeated names"),
        ({"question_types": 3}, "sequence of question names"),
        ({"object_size": 0}, "object_size must be an integer >= 1"),
        ({"image_size": 10}, "image_size=10 is too small for object_size=5"),
        # 6 points in a square of side 16 are at most 16·sqrt(13)/6 = 9.6 < 10 apart
        ({"image_size": 27}, "Pass image_size >= 28"),
        ({"image_size": 75.0}, "image_size must be an integer"),
    ],
)
def test_invalid_parameters_are_refused(kwargs, match):
    # Each message names the parameter and says what to pass.
    params = {"n_images": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_sort_of_clevr(**params)


def test_a_tight_image_is_generated():
    # 40 px leave room for six objects: the rejection loop succeeds.
    data = make_sort_of_clevr(3, image_size=40, object_size=5, random_state=0)
    assert data.images.shape == (3, 3, 40, 40)


def test_the_rejection_loop_gives_up_with_a_clear_error():
    # 28 px pass the up-front packing bound, but the integer centres cannot all be
    # 10 px apart: after 10,000 candidates the generator stops and says why.
    with pytest.raises(ValueError, match=r"Could not place 6 objects .* after 10000 tries"):
        make_sort_of_clevr(1, image_size=28, object_size=5, random_state=0)


@pytest.mark.parametrize(
    "question_type, scene, color, match",
    [
        ("nearest", SCENE, 0, "Unknown question type 'nearest'"),
        ("obtuse", SCENE, 0, "ternary relational"),
        ("shape", SCENE[:2], 4, "color_index=4 is not the colour of an object"),
        ("closest", SCENE[:1], 0, "has one object"),
        ("shape", [{"color_index": 0, "x": 1, "y": 1}], 0, "lacks the columns \\['shape'\\]"),
        ("shape", [obj(0, "square", 1, 1), obj(0, "circle", 9, 9)], 0, "distinct values"),
        ("shape", [obj(6, "square", 1, 1)], 6, "distinct values in 0..5"),
        ("shape", [obj(0, "triangle", 1, 1)], 0, "unknown shapes \\['triangle'\\]"),
        ("shape", [obj(0, "square", 1.5, 1)], 0, "must hold integers"),
        ("shape", [{"color": "purple", "shape": "square", "x": 1, "y": 1}], 0, "purple"),
        ("shape", [], 0, "lacks the columns|is empty"),
    ],
)
def test_invalid_scenes_are_refused(question_type, scene, color, match):
    # answer_question checks the question and the hand-built scene.
    with pytest.raises(ValueError, match=match):
        answer_question(question_type, scene, color)


@pytest.mark.parametrize(
    "scene, kwargs, match",
    [
        ([obj(0, "triangle", 1, 1)], {}, "unknown shapes"),
        ("red square", {}, "objects must be a DataFrame"),
        (SCENE, {"image_size": 0}, "image_size must be an integer >= 1"),
        (SCENE, {"object_size": -1}, "object_size must be an integer >= 0"),
    ],
)
def test_render_scene_refuses_invalid_input(scene, kwargs, match):
    # render_scene checks the scene and the sizes.
    with pytest.raises(ValueError, match=match):
        render_scene(scene, **kwargs)


# Region annotations for Taylor-CAM: an object's grid cells are those its drawn box
# overlaps; a square fills its box, so they are the cells holding any of its pixels.
@pytest.mark.parametrize("grid", [1, 3, 5])
def test_object_regions_are_the_cells_a_square_is_drawn_in(grid):
    data = make_sort_of_clevr(200, questions_per_image=1, random_state=4)
    squares = data.objects[data.objects["shape"] == "square"]
    side = 75 // grid
    for obj in squares.head(60).itertuples():
        drawn = np.zeros((75, 75), dtype=bool)
        drawn[obj.box_y0 : obj.box_y1 + 1, obj.box_x0 : obj.box_x1 + 1] = True
        cells = drawn.reshape(grid, side, grid, side).any(axis=(1, 3))  # (row, col)
        expected = {int(r) for r in np.flatnonzero(cells)}
        assert data.object_regions(obj.image, grid=grid)[obj.color_index] == expected
    assert data.object_regions(0, grid=1) == {c: {0} for c in range(6)}


# With a margin, a cell's box grows by that many pixels on every side, which is the
# same as growing each drawn box by it: a square then also claims the neighbouring
# cells within the margin of its pixels, and never loses one.
@pytest.mark.parametrize("margin", [3, 8])
def test_object_regions_with_a_margin_grow_the_cells(margin):
    data = make_sort_of_clevr(100, questions_per_image=1, random_state=5)
    squares = data.objects[data.objects["shape"] == "square"]
    grown_somewhere = False
    for obj in squares.head(60).itertuples():
        drawn = np.zeros((75, 75), dtype=bool)
        y0, x0 = max(obj.box_y0 - margin, 0), max(obj.box_x0 - margin, 0)
        drawn[y0 : obj.box_y1 + margin + 1, x0 : obj.box_x1 + margin + 1] = True
        expected = {int(r) for r in np.flatnonzero(drawn.reshape(5, 15, 5, 15).any(axis=(1, 3)))}
        grown = data.object_regions(obj.image, margin=margin)[obj.color_index]
        assert grown == expected
        plain = data.object_regions(obj.image)[obj.color_index]
        assert plain <= grown
        grown_somewhere |= plain < grown
    assert grown_somewhere


@pytest.mark.parametrize("margin", [-1, "8", None, True])
def test_object_regions_refuses_a_bad_margin(margin):
    data = make_sort_of_clevr(1, questions_per_image=1, random_state=0)
    with pytest.raises(ValueError, match="margin must be a number of pixels >= 0"):
        data.object_regions(0, margin=margin)
