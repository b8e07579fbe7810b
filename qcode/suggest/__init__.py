"""Suggested codes learned from the researcher's own coding, on their own machine.

    corpus      the units of text of every source, labelled from the codings so far
    labels      the rule that gives a unit a code
    words       the words (lemmas) a unit is learned from, in the project's language
    model       TF-IDF and one logistic regression per code (scikit-learn)
    suggesting  the likely codes of the units nobody has coded, with their usual filing
    keywords    the baseline: auto-coding on the code names' words
    scores      precision, recall and F1 at the unit level
    evaluation  cross-validation by source, beside the baseline

Nothing here leaves the machine and nothing is written to the project: suggestions are
a listing; accepting one is coding it (`qcode code`, `qcode autocode`).
"""
