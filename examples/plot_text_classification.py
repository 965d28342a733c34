"""
Active learning for text: a TF-IDF pipeline inside ActiveLearningClassifier
===========================================================================

Raw documents go straight into :class:`~skactive.ActiveLearningClassifier`: ``X`` is a
list of strings, the wrapped estimator is a whole ``Pipeline`` (``TfidfVectorizer`` then
``LogisticRegression``, refitted on the labeled documents each round), and the oracle
receives the queried documents as a list of strings, the way a person would read them.

The corpus is made up here, so the example needs no download: short sentences drawn
from four topics' vocabularies, with filler words and a few words borrowed from another
topic so that some sentences are genuinely ambiguous.
:func:`~skactive.model_selection.compare_strategies` then tells how many labels each
query strategy needs, against random sampling.
"""

# %%
# A small corpus built from topic word lists
# ------------------------------------------
import os

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import compare_strategies, make_oracle_scorer
from skactive.oracles import SimulatedOracle
from skactive.plotting import ActiveLearningCurveDisplay

SMOKE = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
OUTDIR = os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", ".")
threadpool_limits(1)  # many tiny fits: extra BLAS threads would only spin

TOPICS = {
    "sports": "goal match team coach league striker season referee stadium keeper "
              "tournament final win defeat transfer",
    "cooking": "recipe oven garlic simmer flour sauce bake onion butter pan spice dough "
               "roast salad dessert",
    "space": "orbit rocket planet galaxy astronaut telescope comet moon satellite nebula "
             "gravity mission probe crater star",
    "finance": "market stock bond investor dividend inflation bank portfolio interest "
               "earnings shares currency fund debt launch",
}
FILLER = ("the a new big report today people said week after first best story great "
          "time again more than this that").split()


def make_corpus(n_docs, seed=0):
    """Distinct sentences: 2-4 topic words, 0-2 words of another topic, 3-5 fillers."""
    rng = np.random.RandomState(seed)
    names = list(TOPICS)
    vocab = {name: words.split() for name, words in TOPICS.items()}
    docs, labels, seen = [], [], set()
    while len(docs) < n_docs:
        label = rng.randint(len(names))
        other = names[(label + rng.randint(1, len(names))) % len(names)]
        words = list(rng.choice(vocab[names[label]], rng.randint(2, 5)))
        words += list(rng.choice(vocab[other], rng.randint(0, 3)))
        words += list(rng.choice(FILLER, rng.randint(3, 6)))
        rng.shuffle(words)
        doc = " ".join(words)
        if doc not in seen:  # the simulated oracle finds a document by its text
            seen.add(doc)
            docs.append(doc)
            labels.append(names[label])
    return docs, np.array(labels, dtype=object)


docs, y_true = make_corpus(200 if SMOKE else 900)
y = np.full(len(docs), None, dtype=object)  # nothing labeled yet: None marks the pool
oracle = SimulatedOracle(docs, y_true)
print(f"{len(docs)} documents, e.g. {docs[0]!r} -> {y_true[0]}")

clf = ActiveLearningClassifier(
    make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)),
    oracle=oracle,
    budget=12 if SMOKE else 60,
    batch_size=3,
    missing_label=None,
    random_state=0,
)

# %%
# What does the annotator get asked?
# ----------------------------------
# One run on the whole corpus: after the cold start (random documents until two topics
# are known), margin sampling asks about the sentences the model finds most ambiguous.
clf.fit(docs, y)
for record in clf.history_[1:4]:
    for position, label in zip(record["query_indices"], record["query_labels"], strict=True):
        print(f"round {record['round']} ({record['strategy']}): {docs[position]!r} -> {label}")

# %%
# Margin and entropy sampling against random, on the same folds
# --------------------------------------------------------------
result = compare_strategies(
    clf, docs, y, ["margin", "entropy"], cv=2 if SMOKE else 3,
    n_repeats=1 if SMOKE else 2, scoring=make_oracle_scorer(oracle),
    n_jobs=None if SMOKE else -1, random_state=0,
)
for name, mean, std in zip(result["strategy"], result["aulc_mean"], result["aulc_std"],
                           strict=True):
    print(f"{name:<8} AULC {mean:.3f} +/- {std:.3f}")

display = ActiveLearningCurveDisplay.from_cv_results(result)
display.ax_.set_title("Topic classification of short sentences")
path = os.path.join(OUTDIR, "text_classification.png")
display.figure_.savefig(path, dpi=100)
print(f"figure written to {path}")
