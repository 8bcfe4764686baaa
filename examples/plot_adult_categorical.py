"""
Interactions in a real table: text columns, one person, and a Pipeline (UCI Adult)
==================================================================================

The UCI Adult census table has 6 numeric and 8 text columns (``workclass``,
``occupation``, ``native_country`` with 41 countries, ...). :class:`~sk_interact.
TNIDDetector` takes it as it is: text and ``category`` columns are one-hot encoded
inside the estimator, and every answer names the **original columns**, so
``occupation × hours_per_week`` is one interaction, not 14 dummy pairs.

The interaction of two columns is read from the block of cross partials between their
encoded columns, less what is common to a text column's levels (its dummies sum to one
on every row, so no data tells that part apart), as the block's root sum of squares, in
standardized units: a level seen in a share ``p`` of the rows weighs ``(p(1 − p))^½``,
so a country seen in a handful of rows cannot outrank a real interaction.
"""

# %%
# A raw DataFrame in
# ------------------
# ``load_adult`` reads the UCI files shipped with the package (no download). We use
# 6,000 people to keep this example quick; the income class is the target.
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sk_interact import TNIDDetector, feature_groups_from_transformer
from sk_interact.datasets import load_adult
from sk_interact.plotting import InteractionHeatmapDisplay, InteractionRankingDisplay

X, y = load_adult()
X, y = X.iloc[:6000], y.iloc[:6000]
text_columns = X.select_dtypes(exclude="number").columns.tolist()
print(f"{X.shape[1]} columns, text: {', '.join(text_columns)}")

tnid = TNIDDetector(hidden_layer_sizes=(64, 32), max_epochs=60, random_state=0).fit(X, y)
print(f"network accuracy on held-out rows: {tnid.validation_score_:.3f}")
print(f"{len(tnid.interactions_)} column pairs ranked")

# %%
# A feature-level ranking
# -----------------------
# ``effect`` is the signed cross partial of the log-odds of ``>50K``: two numbers with
# a positive effect amplify each other; with a text column of two levels (``sex``) the
# sign is that of going from its first level to its second (``Female`` to ``Male``);
# a column of more levels has no one direction, and its pairs' signs name none.
ranking = tnid.rank_interactions(top=10)
print(ranking[["features", "strength", "effect"]].to_string())

# %%
InteractionRankingDisplay.from_estimator(tnid, top=10, title="T-NID on UCI Adult")

# %%
# The heatmap of the columns in the ten strongest interactions
# ------------------------------------------------------------
InteractionHeatmapDisplay.from_estimator(tnid, top=10)

# %%
# Level by level
# --------------
# A ranking names columns. To see which levels drive an interaction of a number with a
# text column of several levels, ask scikit-learn's two-way partial dependence of the
# same fitted network (a fitted estimator is a classifier for scikit-learn's tools):
# the predicted probability over a grid of the number for each level, averaged over
# the other columns. Drawn as log-odds, the scale the ranking reads, the curves of a
# pair that does not interact are parallel. Here ``age × marital_status``, in the top
# ten above; the slope of each level's curve says which levels depart from the others.
import matplotlib.pyplot as plt
from sklearn.inspection import partial_dependence

number, column = "age", "marital_status"
rows = X.sample(1500, random_state=0).astype({number: float})  # scikit-learn wants floats
result = partial_dependence(
    tnid, rows, (number, column), categorical_features=[column], grid_resolution=15
)
grid, levels = result["grid_values"]
log_odds = np.log(result["average"][0] / (1 - result["average"][0]))
frequent = X[column].value_counts().index[:5]  # the five most frequent levels
slopes = pd.Series(np.polyfit(grid, log_odds, 1)[0], index=levels).loc[frequent]
print(f"slope of the log-odds per year of {number}:")
print(slopes.round(4).to_string())

fig, ax = plt.subplots(figsize=(6.4, 4))
for level in frequent:
    ax.plot(grid, log_odds[:, list(levels).index(level)], label=level)
ax.set(xlabel=number, ylabel="log-odds of the mean P(>50K)")
ax.set_title(f"{number} × {column}: one curve per level")  # noqa: RUF001
ax.legend(title=column, fontsize="small")

# %%
# One person
# ----------
# :meth:`~sk_interact.TNIDDetector.local_interactions` gives each pair's effect at
# one row: for this person, which combinations push the log-odds up or down.
person = X.iloc[[7]]
print(person.T.squeeze().to_string())
local = tnid.local_interactions(person)
local = local.reindex(local["effect"].abs().sort_values(ascending=False).index)
print(local.head(6)[["features", "effect"]].to_string(index=False))

# %%
# In a Pipeline, with missing values and a one-hot preprocessor
# -------------------------------------------------------------
# With ``dropna=False`` the text columns hold missing values (NaN). The estimator
# refuses them, naming the columns; a Pipeline imputes them first. When the
# preprocessor one-hot encodes (its output is then a sparse matrix, which the
# estimator accepts), :func:`~sk_interact.feature_groups_from_transformer` maps every
# dummy back to its column, so the answers still name the original columns.
X_raw, y_raw = load_adult(dropna=False)
X_raw, y_raw = X_raw.iloc[:6000], y_raw.iloc[:6000]
print(X_raw.isna().sum()[lambda s: s > 0].to_string())

text = X_raw.select_dtypes(exclude="number").columns.tolist()
numbers = X_raw.select_dtypes(include="number").columns.tolist()
preprocessor = ColumnTransformer(
    [
        ("num", StandardScaler(), numbers),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder()), text),
    ]
).fit(X_raw)
groups = feature_groups_from_transformer(preprocessor)
print({name: len(columns) for name, columns in groups.items()})

pipeline = Pipeline(
    [
        ("prep", preprocessor),
        (
            "tnid",
            TNIDDetector(
                feature_groups=groups,
                hidden_layer_sizes=(64, 32),
                max_epochs=60,
                random_state=0,
            ),
        ),
    ]
).fit(X_raw, y_raw)
print(pipeline[-1].rank_interactions(top=5)[["features", "strength"]].to_string())

# %%
# The two rankings agree on the strongest pairs: the same network input, reached two
# ways.
first = {tuple(sorted(f)) for f in tnid.rank_interactions(top=5)["features"]}
second = {tuple(sorted(f)) for f in pipeline[-1].rank_interactions(top=5)["features"]}
print(f"pairs in both top fives: {len(first & second)}")
print(pd.Series(np.round(pipeline.predict_proba(X_raw.iloc[:3])[:, 1], 3), name="P(>50K)"))
