"""The practice project's figures read from their data, not their pixels: which line is on which panel with
which points and label, titles, axis labels and scales, the best-epoch marker, the confusion matrix's cells
and the misclassified digits' titles. A curve drawn on the wrong panel, a series shifted by an epoch or a
title that lies fails here."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from chainrule.training import History
from chainrule.project.plots import (compare_figure, confusion_figure, curves_figure, grad_norms_figure,
                                      misclassified_figure)


def history(epochs=4, metrics=True, best_epoch=2):
    h = History({"loss": "mse"})
    for e in range(epochs):
        h.append(train_loss=1.0 / (e + 1), train_accuracy=0.5 + 0.1 * e, val_loss=1.2 / (e + 1) + 0.01 * e,
                 val_accuracy=0.45 + 0.1 * e, learning_rate=0.1, time=0.01, grad_norms=[10.0 ** -e, 1.0])
        if metrics:
            h.add_metric("test_loss", 1.3 / (e + 1))
            h.add_metric("test_accuracy", 0.4 + 0.1 * e)
    h.best_epoch = best_epoch
    return h


def lines(ax):
    """{label: (x, y)} of the data lines of an axes (the best-epoch marker apart)."""
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.get_lines()
            if not line.get_label().startswith("best epoch")}


def test_curves_figure_puts_each_series_on_its_panel():
    h = history()
    figure = curves_figure(h, title="MNIST 0-4")
    assert isinstance(figure, Figure)
    ax_loss, ax_acc = figure.axes
    assert ax_loss.get_title() == "MNIST 0-4: loss" and ax_acc.get_title() == "MNIST 0-4: accuracy"
    assert ax_loss.get_xlabel() == ax_acc.get_xlabel() == "Epoch"
    assert ax_loss.get_ylabel() == "Average loss (mse)" and ax_acc.get_ylabel() == "Accuracy"
    epochs = [1, 2, 3, 4]
    assert lines(ax_loss) == {"train (mean batch loss)": (epochs, h.train_loss), "validation": (epochs, h.val_loss),
                              "test": (epochs, h.metrics["test_loss"])}
    assert lines(ax_acc) == {"train": (epochs, h.train_accuracy), "validation": (epochs, h.val_accuracy),
                             "test": (epochs, h.metrics["test_accuracy"])}
    for ax in (ax_loss, ax_acc):
        markers = [line for line in ax.get_lines() if line.get_label() == "best epoch (restored)"]
        assert len(markers) == 1 and list(markers[0].get_xdata()) == [3, 3]       # epoch 2 (0-based) is 3rd
        assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "best epoch (restored)"


def test_curves_figure_without_validation_best_epoch_or_metrics():
    h = History()
    for e in range(3):
        h.append(train_loss=1.0 - 0.1 * e, train_accuracy=None, val_loss=None, val_accuracy=None,
                 learning_rate=0.1, time=0.01, grad_norms=[1.0])
    ax_loss, ax_acc = curves_figure(h).axes
    assert ax_loss.get_title() == "Training: loss" and ax_loss.get_ylabel() == "Average loss (loss)"
    assert lines(ax_loss) == {"train (mean batch loss)": ([1, 2, 3], h.train_loss)}
    assert ax_acc.get_lines() == [] and ax_acc.get_legend() is None
    assert ax_loss.get_legend() is not None


def test_a_series_with_gaps_is_drawn_with_the_gaps():
    h = history(metrics=False, best_epoch=None)
    h.val_loss[1] = None
    ax_loss, _ = curves_figure(h).axes
    x, y = lines(ax_loss)["validation"]
    assert x == [1, 2, 3, 4] and np.isnan(y[1]) and y[0] == h.val_loss[0]
    assert not [line for line in ax_loss.get_lines() if line.get_label().startswith("best epoch")]


def test_grad_norms_figure_one_line_per_layer_on_a_log_scale():
    h = history()
    ax, = grad_norms_figure(h).axes
    assert ax.get_title() == "Gradient norm per layer" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "Epoch" and ax.get_ylabel() == "mean ||dL/dW|| per batch"
    assert lines(ax) == {"layer 1": ([1, 2, 3, 4], [1.0, 0.1, 0.01, 0.001]), "layer 2": ([1, 2, 3, 4], [1.0] * 4)}


def test_grad_norms_figure_with_a_zero_norm_stays_linear():
    h = history()
    h.grad_norms[0] = [0.0, 1.0]
    ax, = grad_norms_figure(h).axes
    assert ax.get_yscale() == "linear" and lines(ax)["layer 1"][1][0] == 0.0


def test_confusion_figure_writes_each_count_in_its_cell():
    matrix = np.array([[5, 1, 0], [2, 8, 4], [0, 0, 7]])
    figure = confusion_figure(matrix, ["zero", "one", "two"])
    ax = figure.axes[0]
    assert ax.get_title() == "Confusion matrix (test set)"
    assert ax.get_xlabel() == "Predicted" and ax.get_ylabel() == "True"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["zero", "one", "two"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["zero", "one", "two"]
    np.testing.assert_array_equal(ax.images[0].get_array(), matrix)
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert {place: t.get_text() for place, t in cells.items()} == {
        (i, j): str(matrix[i, j]) for i in range(3) for j in range(3)}
    # white on the dark cells (more than half the largest count, 8 / 2 = 4), black on the others
    assert {place for place, t in cells.items() if t.get_color() == "white"} == {(0, 0), (1, 1), (2, 2)}
    assert cells[(1, 2)].get_text() == "4" and cells[(1, 2)].get_color() == "black"      # exactly half: black
    assert len(figure.axes) == 2                                                            # and its colour bar


def test_misclassified_figure_titles_each_digit_with_truth_prediction_and_confidence():
    images = np.random.RandomState(0).uniform(size=(3, 784))
    figure = misclassified_figure(images, ["3", "5", "1"], ["8", "6", "7"], [0.912, 0.5, 0.996], columns=2,
                                  n_total=10)
    assert figure._suptitle.get_text() == "Misclassified test digits: the 3 most confident of 10 mistakes"
    titled = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == ["true 3, pred 8\n91% sure", "true 5, pred 6\n50% sure",
                                                 "true 1, pred 7\n100% sure"]
    np.testing.assert_array_equal(titled[1].images[0].get_array(), images[1].reshape(28, 28))
    assert len(figure.axes) == 4 and not figure.axes[3].images              # 2 x 2 grid, the last one empty


def test_misclassified_figure_with_no_mistakes_says_so():
    figure = misclassified_figure(np.zeros((0, 784)), [], [], [])
    assert figure._suptitle.get_text() == "Misclassified test digits: all 0 mistakes"
    assert [t.get_text() for t in figure.axes[0].texts] == ["no misclassified examples"]


def test_compare_figure_one_line_per_run_with_the_same_colour_on_both_panels():
    a, b = history(epochs=3), history(epochs=4, metrics=False)
    ax_loss, ax_acc = compare_figure([("lr 0.1", a), ("lr 1", b)], title="MNIST digits 0-4").axes
    assert ax_loss.get_title() == "MNIST digits 0-4: loss" and ax_acc.get_title() == "MNIST digits 0-4: test accuracy"
    assert ax_loss.get_yscale() == "log" and ax_acc.get_ylabel() == "Test accuracy"
    assert lines(ax_loss) == {"lr 0.1": ([1, 2, 3], a.train_loss), "lr 1": ([1, 2, 3, 4], b.train_loss)}
    assert lines(ax_acc) == {"lr 0.1": ([1, 2, 3], a.metrics["test_accuracy"]),   # the test set when there is one
                             "lr 1": ([1, 2, 3, 4], b.val_accuracy)}               # else validation
    colours = [{line.get_label(): line.get_color() for line in ax.get_lines()} for ax in (ax_loss, ax_acc)]
    assert colours[0] == colours[1] and colours[0]["lr 0.1"] != colours[0]["lr 1"]
