"""NB-SVM: naive-Bayes log-count ratios folded into one linear SVM per class."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV

from minyi.pipeline._linear import LinearProba
from minyi.pipeline._nbsvm import NBSVM


def corpus(classes, rows=90, features=40, seed=0):
    """Sparse non-negative rows whose class decides which features they tend to hold."""
    rng = np.random.default_rng(seed)
    labels = np.array([classes[i % len(classes)] for i in range(rows)])
    dense = rng.random((rows, features)) * (rng.random((rows, features)) < 0.15)
    for i, label in enumerate(labels):
        own = classes.index(label) * 5
        dense[i, own : own + 5] += rng.random(5) * (rng.random(5) < 0.6)
    return sp.csr_matrix(dense), labels


def test_decision_is_a_plain_linear_model():
    features, labels = corpus(["a", "b", "c"])
    model = NBSVM().fit(features, labels)
    assert model.coef_.shape == (3, 40)
    expected = features @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.decision_function(features), expected)
    assert (model.predict(features) == labels).mean() > 0.9


def test_ratios_favour_each_class_own_features():
    features, labels = corpus(["a", "b", "c"])
    model = NBSVM().fit(features, labels)
    present = features.copy()
    present.data[:] = 1.0
    counts = np.asarray([present[labels == c].sum(axis=0) for c in "abc"]).reshape(3, -1)
    ratio = model._ratio(counts[1], counts.sum(axis=0))
    assert ratio[5:10].min() > 0 > ratio[0:5].max()


def test_two_classes_give_one_decision_column():
    features, labels = corpus(["no", "yes"])
    model = NBSVM().fit(features, labels)
    assert model.coef_.shape == (1, 40)
    assert model.decision_function(features).shape == (90,)
    assert (model.predict(features) == labels).mean() > 0.9


@pytest.mark.parametrize("classes", [["a", "b", "c", "d"], ["no", "yes"]])
def test_calibrated_nbsvm_copies_into_linear_proba(classes):
    features, labels = corpus(classes)
    calibrated = CalibratedClassifierCV(NBSVM(), cv=3, method="sigmoid", ensemble=False).fit(features, labels)
    fast = LinearProba.from_estimator(calibrated)
    np.testing.assert_allclose(fast.predict_proba(features), calibrated.predict_proba(features), atol=1e-12)


def test_one_class_is_refused():
    features, _ = corpus(["a"])
    with pytest.raises(ValueError, match="two classes"):
        NBSVM().fit(features, ["a"] * 90)


def test_threads_do_not_change_the_model():
    features, labels = corpus(["a", "b", "c", "d"])
    one, four = NBSVM(n_jobs=1).fit(features, labels), NBSVM(n_jobs=4).fit(features, labels)
    np.testing.assert_array_equal(one.coef_, four.coef_)
    np.testing.assert_array_equal(one.intercept_, four.intercept_)


def test_sample_weights_of_one_change_nothing_and_zero_weights_drop_rows():
    features, labels = corpus(["a", "b", "c"])
    plain = NBSVM().fit(features, labels)
    ones = NBSVM().fit(features, labels, sample_weight=np.ones(len(labels)))
    np.testing.assert_allclose(ones.coef_, plain.coef_)
    keep = np.arange(len(labels)) >= 9
    dropped = NBSVM().fit(features[keep], labels[keep])
    zeroed = NBSVM().fit(features, labels, sample_weight=keep.astype(float))
    np.testing.assert_allclose(zeroed.coef_, dropped.coef_, atol=1e-6)
