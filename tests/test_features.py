"""Categorical columns, feature groups and sparse input (sk_interact._features)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sk_interact import SecondGlanceExplainer, TNIDDetector, feature_groups_from_transformer
from sk_interact._features import FeatureLayout
from sk_interact._significance import _statistics

FAST = dict(hidden_layer_sizes=(64, 32), max_epochs=80, random_state=0)


def planted_table(n=3000, seed=0):
    """Known answer: shop × price (category × number), shop × region (category ×
    category) and temp × rain (number × number) interact; a level seen in 7 rows
    ("kiosk") has no interaction at all; main effects everywhere."""
    rng = np.random.RandomState(seed)
    shop = rng.choice(["north", "south", "east"], size=n, p=[0.5, 0.3, 0.2])
    shop[rng.choice(n, 7, replace=False)] = "kiosk"
    region = rng.choice(["city", "rural"], size=n)
    price, temp, rain, noise = rng.uniform(-1, 1, size=(4, n))
    slope = pd.Series(shop).map({"north": 1.5, "south": -1.5, "east": 0.0, "kiosk": 0.0})
    y = (
        slope.to_numpy() * price
        + np.where((shop == "north") == (region == "city"), 1.0, -1.0)
        + 1.5 * temp * rain
        + price
        + np.sin(2 * temp)
        + 0.5 * (region == "city")
        + 0.05 * rng.randn(n)
    )
    X = pd.DataFrame(
        {
            "price": price,
            "shop": shop,
            "region": pd.Categorical(region),
            "temp": temp,
            "rain": rain,
            "noise": noise,
            "promo": rng.rand(n) < 0.3,
        }
    )
    return X, y


@pytest.fixture(scope="module")
def planted():
    return planted_table()


TRUE_PAIRS = {("price", "shop"), ("region", "shop"), ("rain", "temp")}


@pytest.fixture(scope="module")
def tnid(planted):
    X, y = planted
    return TNIDDetector(**FAST).fit(X, y)


def test_layout_encodes_text_category_and_boolean_columns(planted):
    X, _ = planted
    layout = FeatureLayout.fit(X)
    assert layout.kinds == [
        "numeric",
        "categorical",
        "categorical",
        "numeric",
        "numeric",
        "numeric",
        "boolean",  # a 0/1 number
    ]
    assert layout.feature_names == list(X.columns)
    encoded = layout.encode(X)
    assert encoded.shape == (len(X), 5 + 4 + 2)
    assert set(layout.encoded_names) >= {"shop=kiosk", "region=city", "price"}
    shop = [layout.encoded_names.index(f"shop={s}") for s in ("east", "kiosk", "north", "south")]
    assert np.array_equal(encoded[:, shop].sum(axis=1), np.ones(len(X)))
    assert encoded[:, layout.encoded_names.index("shop=kiosk")].sum() == 7
    assert layout.dummy.sum() == 7 and not layout.identity  # six dummies and promo (0/1)


def test_planted_category_and_number_interactions_rank_first(tnid):
    # Known answer: the three planted pairs, named by the original columns, are the
    # top three of 21, well above the rest.
    ranking = tnid.interactions_
    top = {tuple(sorted(f)) for f in ranking["features"].head(3)}
    assert top == TRUE_PAIRS
    assert ranking["strength"].iloc[2] > 5 * ranking["strength"].iloc[3]
    assert set(tnid.feature_groups_) == {
        "price",
        "shop",
        "region",
        "temp",
        "rain",
        "noise",
        "promo",
    }


def test_a_rare_level_does_not_make_an_interaction(planted):
    # "kiosk" (7 of 3000 rows) interacts with nothing: a pair holding only through it
    # must not outrank a real interaction, and the rare level's share of the shop
    # blocks is tiny (its unit is its standard deviation, ~0.05).
    X, y = planted
    X = X.assign(kiosk_flag=np.where(X["shop"] == "kiosk", "yes", "no"))
    tnid = TNIDDetector(**FAST).fit(X, y)
    ranking = tnid.interactions_
    real = ranking[[tuple(sorted(f)) in TRUE_PAIRS for f in ranking["features"]]]
    rare = ranking[["kiosk_flag" in f for f in ranking["features"]]]
    assert rare["strength"].max() < real["strength"].min() / 10


def test_second_glance_groups_its_hessian_blocks(planted):
    X, y = planted
    sg = SecondGlanceExplainer(
        primary_hidden=(64, 64), surrogate_hidden=(64, 64), max_epochs=80, random_state=0
    ).fit(X, y)
    top = {tuple(sorted(f)) for f in sg.interactions_["features"].head(3)}
    assert top == TRUE_PAIRS
    H = sg.local_hessians(X.iloc[:5])
    assert H.shape == (5, 7, 7)
    assert sg.transform(X.iloc[:5]).shape == (5, 21)
    assert sg.get_feature_names_out()[0] == "price:shop"


def test_group_effect_is_the_block_root_sum_of_squares(tnid, planted):
    # The local effect of (price, shop) is the signed root sum of squares of the
    # cross partials of price with each shop dummy, less their share-weighted mean in
    # 0/1 units: H_j − σ_j Σ_i p_i H_i / σ_i for levels of shares p, σ = (p(1 − p))^½.
    X, _ = planted
    rows = X.iloc[:4]
    local = tnid.local_interactions(rows)
    pair = local[local["features"] == ("price", "shop")]["effect"].to_numpy()
    layout = tnid.network_.features
    from sk_interact._derivatives import hessian

    Z = tnid.network_.standardize(layout.encode(rows))
    H = hessian(tnid.network_.function("logit", 0, 0), Z).double().numpy()
    block = H[:, layout.members[0][0], layout.members[1]]
    share = X["shop"].value_counts(normalize=True).sort_index().to_numpy()  # levels sorted
    sigma = np.sqrt(share * (1 - share))
    block = block - np.outer(block @ (share / sigma), sigma)
    largest = block[np.arange(4), np.argmax(np.abs(block), axis=1)]
    expected = np.sign(largest) * np.sqrt((block**2).sum(axis=1))
    np.testing.assert_allclose(pair, expected, rtol=1e-9)
    H_features = tnid.local_hessians(rows)
    assert H_features.shape == (4, 7, 7)
    np.testing.assert_allclose(H_features[:, 0, 1], expected, rtol=1e-9)


def test_reduce_centres_text_levels_and_signs_two_levels_from_first_to_second():
    # Cross partials of a number with the dummies of g (levels u, v; shares 2/3, 1/3)
    # and of shop (three levels, a third each). Each block loses its share-weighted
    # mean over the levels (0/1 units; equal here, as the levels' spreads are): for g,
    # p_v (H_u − H_v) and p_u (H_v − H_u), of size |H_v − H_u| (p_u² + p_v²)^½, signed
    # along u -> v, whichever entry is largest; three levels have no single direction
    # and keep the sign of the largest centred entry.
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "g": ["u", "v", "u"], "shop": ["n", "s", "e"]})
    layout = FeatureLayout.fit(X)
    assert layout.direction.tolist() == [1, -1, 1, 0, 0, 0]
    columns, owner = layout.expand([(0, 1), (0, 2)])
    assert columns == [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]
    values = np.array([[-0.9, 0.3, 0.1, -0.2, 0.5], [0.9, -0.3, 0.1, 0.2, -0.5]])
    reduced = layout.reduce(values, owner, 2, columns)
    g = 1.2 * np.hypot(2 / 3, 1 / 3)
    shop = [np.linalg.norm(row - row.mean()) for row in values[:, 2:]]
    np.testing.assert_allclose(reduced, [[g, shop[0]], [-g, -shop[1]]])
    # a shift common to a column's levels in 0/1 units (its dummies sum to one on every
    # row, so no data tells it apart) changes nothing
    sigma = np.sqrt(layout.share * (1 - layout.share))
    shifted = values.copy()
    shifted[:, :2] += 0.7 * sigma[1:3]  # g's dummies are columns 1 and 2
    shifted[:, 2:] -= 0.4 * sigma[3:]  # shop's 3 to 5
    np.testing.assert_allclose(layout.reduce(shifted, owner, 2, columns), reduced)
    # the feature Hessian's block of g with itself, centred along both axes: the second
    # derivative along u -> v, d = H_uu + H_vv − 2 H_uv = −1, times (p_v² + p_u²)
    H = np.zeros((1, 6, 6))
    H[0, 1:3, 1:3] = [[-0.1, 0.4], [0.4, -0.1]]
    assert layout.reduce_matrix(H)[0, 1, 1] == pytest.approx(-5 / 9)


class _OffTheRows(torch.nn.Module):
    """``net(x) + κ · x_a · (Σ dummies − 1)``: the same on every row of the data (each
    row's dummies of a text column sum to one), with a cross partial of κ between ``a``
    and every level added off the rows."""

    def __init__(self, net, a, dummies, kappa):
        super().__init__()
        self.net, self.a, self.dummies, self.kappa = net, a, list(dummies), kappa

    def forward(self, x):
        off = x[:, self.dummies].sum(dim=1, keepdim=True) - 1
        return self.net(x) + self.kappa * x[:, self.a : self.a + 1] * off


# What no data can tell apart changes no interaction: a network changed only off the
# data's rows (a common shift of the cross partials of `a` with a text column's levels)
# gives the same strengths and effects, for text columns of two and of three levels, in
# the ranking, the local Hessians and the significance test's statistic.
@pytest.mark.parametrize("levels", [["u", "v"], ["u", "v", "w"]])
def test_interactions_ignore_what_the_rows_cannot_tell_apart(levels):
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    X["g"] = rng.choice(
        levels, 300, p=np.linspace(1, 2, len(levels)) / np.linspace(1, 2, len(levels)).sum()
    )
    y = X["a"] + X["b"]
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2 + len(levels), 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)
    ).double()
    dummies = range(2, 2 + len(levels))
    fits = [
        TNIDDetector(net=module, random_state=0).fit(X, y)
        for module in (net, _OffTheRows(net, 0, dummies, 0.5), _OffTheRows(net, 0, dummies, -2.0))
    ]
    reference = fits[0].interactions_.sort_values("indices")
    for fitted in fits[1:]:
        ranking = fitted.interactions_.sort_values("indices")
        np.testing.assert_allclose(ranking["strength"], reference["strength"], rtol=1e-6)
        np.testing.assert_allclose(ranking["effect"], reference["effect"], rtol=1e-6)
        np.testing.assert_allclose(
            fitted.local_hessians(X.iloc[:10]), fits[0].local_hessians(X.iloc[:10]), atol=1e-9
        )
    points = fits[0].network_.features.encode(X.iloc[:50])
    statistic = [_statistics(f.network_, points, [(0, 1), (0, 2), (1, 2)], [0], [0]) for f in fits]
    np.testing.assert_allclose(statistic[1], statistic[0], rtol=1e-6)
    np.testing.assert_allclose(statistic[2], statistic[0], rtol=1e-6)


# A two-level text column's interactions are signed from its first level (sorted) to
# its second: a planted a·[g = v] is positive, a·[g = u] negative, on every seed.
# (Signed as the block's largest entry, the sign followed whichever dummy the network
# leaned on: negative for a·[g = v] on seeds 1 and 4.)
@pytest.mark.parametrize("level, sign", [("v", 1.0), ("u", -1.0)])
def test_two_level_column_interaction_is_signed_from_first_to_second_level(level, sign):
    for seed in (1, 4):
        rng = np.random.RandomState(seed)
        X = pd.DataFrame({"a": rng.uniform(-1, 1, 1500), "b": rng.uniform(-1, 1, 1500)}).assign(
            g=rng.choice(["u", "v"], 1500)
        )
        y = X["a"] * (X["g"] == level) + X["b"] + 0.1 * rng.randn(1500)
        tnid = TNIDDetector(**{**FAST, "max_epochs": 60, "random_state": seed}).fit(X, y)
        pair = tnid.interactions_.set_index("features").loc[[("a", "g")]]
        assert np.sign(pair["effect"].item()) == sign
        assert np.sign(tnid.local_hessians(X.iloc[:50])[:, 0, 2].mean()) == sign


def test_partial_dependence_reads_an_interaction_level_by_level(tnid, planted):
    # Which levels drive shop × price: scikit-learn's two-way partial dependence of the
    # fitted network gives price's slope per shop, planted as 2.5 (north), -0.5 (south)
    # and 1.0 (east), main effect included. A fitted estimator with task="auto" is a
    # regressor for scikit-learn's tools (before: "'estimator' must be a fitted
    # regressor or classifier"); an unfitted one, or a clone, is typed by its task.
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.inspection import partial_dependence

    X, _ = planted
    result = partial_dependence(
        tnid, X, ("price", "shop"), categorical_features=["shop"], grid_resolution=5
    )
    prices, shops = result["grid_values"]
    slopes = np.polyfit(prices, result["average"][0], 1)[0]
    slope = dict(zip(shops, slopes, strict=True))
    np.testing.assert_allclose(
        [slope["north"], slope["south"], slope["east"]], [2.5, -0.5, 1.0], atol=0.25
    )
    assert is_regressor(tnid) and not is_regressor(clone(tnid))
    assert is_regressor(TNIDDetector(task="regression"))
    labels = np.where(X["temp"] * X["rain"] > 0, "same", "differ")
    classifier = SecondGlanceExplainer(max_epochs=5, random_state=0).fit(X, labels)
    assert is_classifier(classifier) and not is_classifier(clone(classifier))


def test_order_three_with_categorical_features(planted):
    X, y = planted
    tnid = TNIDDetector(order=3, k=3, **FAST).fit(X, y)
    triples = tnid.rank_interactions(order=3)
    assert len(triples) > 0
    assert all(len(set(f)) == 3 for f in triples["features"])


def test_user_groups_rank_groups(planted):
    # lat/lon style: temp and rain joined; their product is inside the group, so it is
    # no longer an interaction, and the group is named in every set it appears in.
    X, y = planted
    tnid = TNIDDetector(feature_groups={"weather": ["temp", 4]}, **FAST).fit(X, y)
    assert tnid.feature_groups_["weather"] == ["temp", "rain"]
    names = {f for s in tnid.interactions_["features"] for f in s}
    assert "weather" in names and "temp" not in names and "rain" not in names
    assert len(tnid.interactions_) == 15  # 6 features, 15 pairs


def test_unseen_levels_and_caller_data(tnid, planted):
    X, _ = planted
    before = X.copy()
    rows = X.iloc[:5].copy()
    rows.loc[rows.index[0], "shop"] = "pop-up"  # never seen: a row of zero dummies
    prediction = tnid.predict(rows)
    assert np.isfinite(prediction).all()
    pd.testing.assert_frame_equal(X, before)
    transformed = tnid.transform(X.iloc[:3])
    names = tnid.get_feature_names_out()
    assert transformed.shape == (3, len(names))
    assert "shop=north" in names and "price*shop=north" in names


def test_missing_values_name_the_columns(planted):
    X, y = planted
    X = X.copy()
    X.loc[X.index[:3], "shop"] = None
    X.loc[X.index[5], "price"] = np.nan
    with pytest.raises(ValueError, match=r"\['price', 'shop'\].*SimpleImputer"):
        TNIDDetector(**FAST).fit(X, y)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.date_range("2020-01-01", periods=60, freq="D")),
        pd.Series(pd.date_range("2020-01-01", periods=60, freq="h", tz="UTC")),
        pd.Series(pd.to_timedelta(np.arange(60), unit="D")),
        pd.Series(pd.period_range("2020-01", periods=60, freq="M")),
        pd.Series(pd.date_range("2020-01-01", periods=60).date, dtype=object),
    ],
    ids=["datetime", "datetime-tz", "timedelta", "period", "date-objects"],
)
@pytest.mark.parametrize("Estimator", [TNIDDetector, SecondGlanceExplainer])
def test_dates_are_refused_with_the_fix(column, Estimator):
    # Dates are not categories: one-hot encoding every day would be silent nonsense.
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(60), "b": rng.choice(["u", "v"], 60), "when": column})
    with pytest.raises(TypeError, match=r"\['when'\] hold dates.*\.dt\.days"):
        Estimator(random_state=0).fit(X, rng.randn(60))
    days = np.arange(60).astype("datetime64[D]")
    mixed = np.empty((60, 2), dtype=object)
    mixed[:, 0], mixed[:, 1] = rng.randn(60), days
    with pytest.raises(TypeError, match=r"\['x1'\] hold dates"):
        Estimator(random_state=0).fit(mixed, rng.randn(60))
    with pytest.raises(TypeError, match=r"\['x0', 'x1'\] hold dates"):
        Estimator(random_state=0).fit(days.reshape(-1, 2), rng.randn(30))


def test_an_identifier_column_is_refused_before_training():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(100), "b": rng.randn(100)})
    X["customer"] = [f"c{i:03d}" for i in range(100)]
    with pytest.raises(ValueError, match=r"'customer' \(100 levels in 100 rows\).*identifier"):
        TNIDDetector(**FAST).fit(X, rng.randn(100))
    # Many levels on few rows, or a level on every row of a tiny table, are categories.
    X["customer"] = [f"c{i % 40:02d}" for i in range(100)]
    layout = FeatureLayout.fit(X)
    assert layout.categorical == [2]
    assert FeatureLayout.fit(X.iloc[:12].assign(customer=list("abcdefghijkl"))).categorical == [2]


def test_a_column_that_numbers_the_rows_is_named_in_a_warning():
    # A row number (the index a CSV was written with) or a numeric identifier is read
    # as a number, and the network can learn from the order of the rows: warned of,
    # by name, for arrays and DataFrames, in any row order. A measurement with repeats,
    # a range with a gap, a fraction or a tiny table is not warned of.
    import warnings

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(100), "b": rng.randn(100)})
    for row in (np.arange(100), rng.permutation(100) + 1001, np.arange(100.0)):
        with pytest.warns(UserWarning, match=r"\['row'\] hold every whole number") as caught:
            FeatureLayout.fit(X.assign(row=row))
        assert [w.message.columns for w in caught] == [["row"]]
    with pytest.warns(UserWarning, match=r"\['x2'\] hold every whole number"):
        FeatureLayout.fit(np.column_stack([X, np.arange(100)]))
    with pytest.warns(UserWarning, match=r"\['row'\]"):  # beside a text column too
        FeatureLayout.fit(X.assign(row=np.arange(100), g=rng.choice(["u", "v"], 100)))
    gap = np.r_[np.arange(50), np.arange(51, 101)]
    for other in (rng.randint(0, 100, 100), gap, np.arange(100) + 0.5, rng.randn(100)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            FeatureLayout.fit(X.assign(row=other))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FeatureLayout.fit(X.iloc[:19].assign(row=np.arange(19)))


@pytest.mark.parametrize(
    "written, example",
    [
        ("${:,.2f}", "$"),  # $2,339.59
        ("{:.1f}%", "%"),  # 10.4%
        ("{:,.0f}", ","),  # 2,340: thousands separators
        ("{:.2f} €", "€"),
    ],
)
def test_numbers_written_as_text_are_refused_with_the_conversion(written, example):
    # A price or a rate that arrived as text is a number, not an identifier: the error
    # says so and gives the conversion (before: "like an identifier ... drop them")
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(300), "b": rng.randn(300)})
    X["price"] = [written.format(v) for v in rng.uniform(1000, 5000, 300)]
    assert example in X["price"].iloc[0]
    with pytest.raises(ValueError, match=r"'price' \(e\.g\. .*\) hold numbers written as text"):
        TNIDDetector(**FAST).fit(X, rng.randn(300))
    # bare digit strings are codes as often as numbers: still the identifier's error
    X["price"] = [f"{i:05d}" for i in range(300)]
    with pytest.raises(ValueError, match="like an identifier"):
        TNIDDetector(**FAST).fit(X, rng.randn(300))


def test_dates_written_as_text_are_refused_when_they_are_many_levels():
    # A CSV's date column arrives as text: 100 days are refused as dates (not as an
    # identifier: each day holds several rows); a dozen months stay a category, and
    # so do codes that merely start like a date or are digits only.
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(400), "b": rng.randn(400)})
    X["day"] = rng.choice(pd.date_range("2021-03-01", periods=100).strftime("%Y-%m-%d"), 400)
    with pytest.raises(ValueError, match=r"'day' \(\d+ dates\) hold dates written as text"):
        TNIDDetector(**FAST).fit(X, rng.randn(400))
    months = pd.date_range("2021-01-01", periods=12, freq="MS").strftime("%Y-%m")
    for codes in (months, [f"2021-{i}" for i in range(100)], [f"{i:08d}" for i in range(100)]):
        assert FeatureLayout.fit(X.assign(day=rng.choice(codes, 400))).categorical == [2]


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
@pytest.mark.parametrize("Estimator", [TNIDDetector, SecondGlanceExplainer])
def test_polars_and_arrow_tables_are_read_as_dataframes(library, Estimator):
    # The same fit as from pandas: the column names in the ranking, the text column one
    # feature (read directly, a polars frame with text became an object array: x0, x1,
    # x2), the same predictions; its dates and missing values refused by name.
    import polars as pl

    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"a": rng.randn(300), "b": rng.randn(300)})
    frame["shop"] = rng.choice(["north", "south", "east"], 300)
    y = frame["a"] * frame["b"] + (frame["shop"] == "north") * frame["a"]
    table = pl.from_pandas(frame)
    if library == "pyarrow":
        table = table.to_arrow()
    quick = dict(max_epochs=20, random_state=0)
    expected = Estimator(**quick).fit(frame, y)
    fitted = Estimator(**quick).fit(table, y)
    pd.testing.assert_frame_equal(fitted.interactions_, expected.interactions_)
    assert set(fitted.interactions_["features"].iloc[0]) <= {"a", "b", "shop"}
    np.testing.assert_array_equal(fitted.predict(table), expected.predict(frame))
    if Estimator is TNIDDetector:
        from sk_interact.metrics import get_scorer

        fidelity = get_scorer("interaction_fidelity")
        assert fidelity(fitted, table, y) == fidelity(expected, frame, y)
    dated = pl.from_pandas(frame.assign(day=pd.date_range("2021-01-01", periods=300)))
    with pytest.raises(TypeError, match=r"\['day'\] hold dates"):
        Estimator(**quick).fit(dated, y)
    missing = pl.from_pandas(frame).with_columns(
        pl.when(pl.col("b") > 1).then(None).otherwise(pl.col("b")).alias("b")
    )
    with pytest.raises(ValueError, match=r"missing values .* \['b'\]"):
        Estimator(**quick).fit(missing, y)


def test_sparse_input_is_accepted():
    # OneHotEncoder's default sparse output: same ranking as the dense matrix.
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(1500, 4))
    y = X[:, 0] * X[:, 1] + X[:, 2]
    dense = TNIDDetector(**FAST).fit(X, y)
    sparse = TNIDDetector(**FAST).fit(sp.csr_matrix(X), y)
    pd.testing.assert_frame_equal(dense.interactions_, sparse.interactions_)
    np.testing.assert_array_equal(dense.predict(X[:5]), sparse.predict(sp.csr_matrix(X[:5])))


def test_groups_from_a_fitted_column_transformer_in_a_pipeline(planted):
    # A Pipeline user's one-hot block maps back to the original column.
    X, y = planted
    X = X.drop(columns="promo")
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), ["price", "temp", "rain", "noise"]),
            ("cat", OneHotEncoder(), ["shop", "region"]),
        ]
    ).fit(X)
    groups = feature_groups_from_transformer(prep)
    assert groups == {
        "price": [0],
        "temp": [1],
        "rain": [2],
        "noise": [3],
        "shop": [4, 5, 6, 7],
        "region": [8, 9],
    }
    pipeline = Pipeline([("prep", prep), ("tnid", TNIDDetector(feature_groups=groups, **FAST))])
    pipeline.fit(X, y)
    top = {tuple(sorted(f)) for f in pipeline[-1].interactions_["features"].head(3)}
    assert top == TRUE_PAIRS
    assert feature_groups_from_transformer(prep.named_transformers_["cat"]) == {
        "shop": [0, 1, 2, 3],
        "region": [4, 5],
    }


def test_groups_helper_refuses_what_it_cannot_read():
    with pytest.raises(TypeError, match="ColumnTransformer"):
        feature_groups_from_transformer(object())
    with pytest.raises(ValueError, match="not been fitted"):
        feature_groups_from_transformer(ColumnTransformer([("s", StandardScaler(), [0])]))


def test_fidelity_scorer_reads_features_of_encoded_columns(planted):
    # interaction_fidelity scores in the estimator's features: text columns encoded
    # the same way, a one-hot block allowed to interact as one column; the planted
    # pairs earn more than the weakest ones.
    from sk_interact.metrics import get_scorer

    X, y = planted
    train, test = slice(0, 2000), slice(2000, None)
    tnid = TNIDDetector(n_interaction_features=3, **FAST).fit(X[train], y[train])
    scorer = get_scorer("interaction_fidelity")
    found = scorer(tnid, X[test], y[test])
    tnid.interactions_ = tnid.interactions_.iloc[::-1].reset_index(drop=True)  # weakest first
    assert found > scorer(tnid, X[test], y[test]) + 0.05


def test_a_categorical_fit_pickles(tnid, planted):
    import pickle

    X, _ = planted
    copy = pickle.loads(pickle.dumps(tnid))
    np.testing.assert_array_equal(copy.predict(X.iloc[:20]), tnid.predict(X.iloc[:20]))
    pd.testing.assert_frame_equal(
        copy.local_interactions(X.iloc[:3]), tnid.local_interactions(X.iloc[:3])
    )
