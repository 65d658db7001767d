"""Each figure command prints the numbers the guide's code really prints (what-the-code-prints.md) and writes a
figure that is a real picture (right size, not blank)."""
import numpy as np
import pytest
from PIL import Image

from chainrule.cli.main import main
from chainrule.viz import format_overfit, loss_at, lr_sweep, seeded_gradient_check


def assert_picture(path, min_width=600, min_height=300):
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert width >= min_width and height >= min_height
    assert pixels.std() > 15                      # not blank
    assert (pixels < 128).mean() > 0.01           # something is drawn in dark ink


def run_cli(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_loss_surfaces(tmp_path, capsys):
    out = tmp_path / "surfaces.png"
    code, text = run_cli(capsys, "loss-surfaces", "--out", str(out))
    assert code == 0
    # the guide's Section 1 table (block 4), real values: last ratio 100.5, not the guide's 101.0
    assert "  0.01    0.9801    4.6052           4.7" in text
    assert "  0.50    0.2500    0.6931           2.8" in text
    assert "  0.90    0.0100    0.1054          10.5" in text
    assert "  0.99    0.0001    0.0101         100.5" in text
    assert "the guide prints 101.0" in text
    # the saturation story: MSE's dL/dz = 2(a - t) a (1 - a) vanishes as a -> 0, cross-entropy's a - t does not
    assert "   0.01             -0.0196    -0.9900     50.5" in text
    assert "Saturation" in text and "plateau" in text
    assert_picture(out, 1000, 800)


def test_saturation_gradients_come_from_the_library():
    for a in (1e-4, 0.01, 0.5, 0.99):
        row = loss_at(a)
        assert row.mse_dz == pytest.approx(2 * (a - 1) * a * (1 - a), rel=1e-12)
        assert row.ce_dz == pytest.approx(a - 1, rel=1e-9)
    assert abs(loss_at(1e-6).mse_dz) < 1e-5 < 0.99 < abs(loss_at(1e-6).ce_dz)


def test_lr_sweep_block_19(tmp_path, capsys):
    out = tmp_path / "learning_rates.png"
    code, text = run_cli(capsys, "lr-sweep", "--out", str(out))
    assert code == 0
    assert "LR=  0.1: final loss = 0.2288" in text
    assert "LR=  1.0: final loss = 0.0023" in text
    assert "LR=  5.0: final loss = 0.0002" in text
    assert "LR= 50.0: final loss = 0.5000" in text
    assert "At LR=50 the loss is flat at 0.5000, not oscillating" in text
    assert_picture(out, 1000, 650)               # two curves a row


def test_lr_sweep_exercise_3_2_verdicts():
    sweep = lr_sweep((0.1, 0.5, 2.0, 10.0), steps=2000)
    assert [f"{run.final_loss:.6f}" for run in sweep.runs[:3]] == ["0.019306", "0.000862", "0.000142"]
    assert sweep.runs[3].final_loss == pytest.approx(2.2e-5, abs=3e-6)   # 0.000022 (0.000020 on numpy 1.26)
    assert [run.verdict for run in sweep.runs] == ["Learning slowly", "Great", "Great", "Great"]


def test_fit_sine_block_24(tmp_path, capsys):
    out = tmp_path / "training_curve.png"
    code, text = run_cli(capsys, "fit-sine", "--out", str(out))
    assert code == 0
    assert "Final loss: 0.001475" in text
    assert_picture(out, 900, 350)


@pytest.fixture(scope="module")
def overfit_runs(tmp_path_factory):
    """The three set-ups, trained once for all the overfitting tests (they are the slow part)."""
    from chainrule.viz import overfit_study

    out = tmp_path_factory.mktemp("overfit") / "overfitting.png"
    return overfit_study(["guide", "exercise", "shows"], out=out)


def test_overfit_guide_demo_block_25(overfit_runs):
    text = format_overfit(overfit_runs[0])
    # item 9: train = mean step loss during the epoch, test evaluated after it
    for line in ("    0       0.099329", "0.143052", " 1000       0.007316", "0.003666",
                 " 2000       0.006376", "0.003704", " 2999       0.006077", "0.004037"):
        assert line in text
    assert "Did the test loss rise? Only slightly (13%): not the clear overfitting the guide describes." in text


def test_overfit_exercise_4_1_block_27(overfit_runs):
    text = format_overfit(overfit_runs[1])
    # item 10: losses evaluated after the epoch at 0/500/1000/1500/1999; the guide's flag is No at every epoch
    for train, test in (("0.140369", "0.070272"), ("0.007419", "0.014755"), ("0.006681", "0.013187"),
                        ("0.006335", "0.012809"), ("0.006136", "0.012433")):
        assert f"  {train}    {test}" in text
    assert "(test/train > 3): No at every epoch above" in text
    assert "Did the test loss rise? NO" in text


def test_overfit_shows_really_overfits(overfit_runs):
    run = overfit_runs[2]
    best = run.best_epoch
    assert run.verdict == "yes"
    assert run.test_losses[-1] > 3 * run.test_losses[best]
    assert run.train_losses[-1] < 0.5 * run.train_losses[best]
    # a clear rise late in training too, not only against one dip: the last 500 epochs vs epochs 1000-1500
    assert np.mean(run.test_losses[-500:]) > 2 * np.mean(run.test_losses[1000:1500])
    assert "Did the test loss rise? YES" in format_overfit(run)
    assert_picture(run.figure, 1000, 1000)      # one figure, a row per set-up


def test_overfit_command(tmp_path, capsys):
    # the wiring only, on a short run (the numbers above are the library's)
    out = tmp_path / "o.png"
    code, text = run_cli(capsys, "overfit", "--setup", "exercise", "--epochs", "200", "--out", str(out))
    assert code == 0
    assert "the guide's Exercise 4.1" in text and "200 epochs" in text and f"Figure: {out}" in text
    assert_picture(out, 900, 350)


def test_gradcheck_command(tmp_path, capsys):
    out = tmp_path / "gc.png"
    code, text = run_cli(capsys, "gradcheck", "--layers", "3,4,2", "--seed", "99", "--activation", "tanh",
                         "--loss", "cross_entropy", "--out", str(out))
    assert code == 0
    assert "Architecture: 3 -> 4 -> 2" in text
    assert "Input:      [ 0.5 -1.   2. ]" in text
    assert "All 26 gradients passed" in text
    assert text.count("  OK") == 26
    assert_picture(out, 1000, 400)


def test_gradcheck_guide_networks(capsys):
    # block 15: Network([2, 2, 1], seed=0), x = [1, 2], target [1]
    result = seeded_gradient_check()
    rows = {f"{r.layer}{r.parameter}{r.index}": r.analytical for r in result.report}
    assert f"{rows['1W(0, 0)']:.6f}" == "-0.017130" and f"{rows['2b(0,)']:.6f}" == "-0.138226"
    assert result.report.passed and result.report.max_abs_diff < 1e-10
    # block 17: [3, 4, 2], seed 99, MSE: chainrule's gradients pass (the guide's backward() is 2x off)
    code, text = run_cli(capsys, "gradcheck", "--layers", "3,4,2", "--seed", "99", "--no-figure")
    assert code == 0
    assert "Prediction: [0.4252 0.4962]" in text and "Loss:       0.2883" in text
    assert "All 26 gradients passed" in text and "2x the true ones" in text
    assert "Figure:" not in text


def test_thumbnails_are_small_pngs(tmp_path):
    from chainrule.viz.thumbnails import make_thumbnails

    (path,) = make_thumbnails(tmp_path, width=320, names=["trace.png"])
    with Image.open(path) as image:
        assert image.size[0] == 320 and image.format == "PNG"
        assert np.asarray(image.convert("L"), dtype=float).std() > 15
    assert (tmp_path / "trace.png").stat().st_size < 40_000
