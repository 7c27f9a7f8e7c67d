"""The Path page's core: the engine's SGD path of y = 2x against a float64 replay, the loss
surface against the data's MSE, the arrows against finite differences, and the CLI contract."""

import json
import subprocess
import sys

import numpy as np
import pytest

from core.cli import main
from core.errors import InputError
from core.present import charts_path
from core.schedule.plan import Schedule, ScheduleSpec
from core.study import trajectory as tj

TUTORIAL = tj.PathSpec()  # N = 10, B = 1, 3, 10, E = 10, SGD lr 0.01


def replay(x, y, start, batches, lr):
    """Plain SGD on mean((w·x + b − y)²) in float64, batch by batch, from START."""
    w, b = float(start[0]), float(start[1])
    out = [(w, b)]
    for batch in batches:
        xb, yb = x[list(batch)], y[list(batch)]
        r = w * xb + b - yb
        w, b = w - lr * 2.0 * np.mean(r * xb), b - lr * 2.0 * np.mean(r)
        out.append((w, b))
    return np.array(out)


def schedule_batches(spec, batch_size):
    s = Schedule(ScheduleSpec(n=spec.n, batch_size=batch_size, epochs=spec.epochs, seed=spec.seed))
    return [tuple(b.tolist()) for e in range(s.epochs) for b in s.epoch_batches(e)]


def tutorial_data(spec):
    """x = 1..N, y = 2x + seeded noise: the linear dataset, read independently of the module."""
    from core.train.datasets import linear

    data = linear(spec.n, spec.seed, noise=spec.noise)
    return data.x[:, 0].astype(np.float64), data.y.astype(np.float64)


# -- no TensorFlow below this line until the marked section


def test_surface_is_the_training_mse_at_every_grid_point():
    x, y = tutorial_data(TUTORIAL)
    surface = tj.loss_surface(x, y, (-1.0, 3.0, -2.0, 1.0), grid=7)
    for i, b in enumerate(surface.b):
        for k, w in enumerate(surface.w):
            expected = sum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y, strict=True)) / len(x)
            assert surface.loss[i][k] == pytest.approx(expected, rel=1e-12)
    assert surface.w[0] == -1.0 and surface.w[-1] == 3.0 and len(surface.b) == 7


@pytest.mark.parametrize("noise", [0.0, 2.0])
def test_minimum_is_the_least_squares_line(noise):
    x, y = tutorial_data(tj.PathSpec(noise=noise, seed=4))
    w, b, loss = tj.minimum(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    assert (w, b) == pytest.approx((slope, intercept), abs=1e-9)
    assert loss == pytest.approx(np.mean((slope * x + intercept - y) ** 2), abs=1e-9)
    if noise == 0.0:
        assert (w, b, loss) == pytest.approx((2.0, 0.0, 0.0), abs=1e-9)


def test_contours_lie_on_their_levels():
    x, y = tutorial_data(TUTORIAL)
    surface = tj.loss_surface(x, y, (-0.5, 2.5, -1.0, 1.0), grid=81)
    levels = charts_path.contour_levels(surface)
    seg = charts_path.contour_segments(surface, levels)
    assert set(seg.level) == set(levels)  # every level crosses this window
    for w, b in ((seg.w, seg.b), (seg.w2, seg.b2)):
        true = tj.mse(x, y, w.to_numpy()[:, None], b.to_numpy()[:, None])[:, 0]
        # linear interpolation of a quadratic along a cell edge: close, not exact
        assert np.allclose(true, seg.level, rtol=0.02, atol=0.02 * levels[0])


def test_overshoot_lr_is_where_one_far_point_starts_to_overshoot():
    # One point's Hessian 2·[[x², x], [x, 1]] has eigenvalues 0 and 2·(x² + 1).
    h = 2.0 * np.array([[100.0, 10.0], [10.0, 1.0]])
    assert tj.overshoot_lr([1, 10]) == pytest.approx(1.0 / np.linalg.eigvalsh(h).max())


@pytest.mark.parametrize(
    "change, match",
    [
        (dict(dataset="mnist"), "`dataset` linear"),
        (dict(model="mlp"), "`model` linear"),
        (dict(optimizer="adam"), "`optimizer` must be sgd"),
        (dict(batch_sizes=(3, -1)), "`batch_size` must be at least 1, got -1"),
        (dict(batch_sizes=()), "at least one batch size"),
        (dict(batch_sizes=(1, 2, 3, 4, 5, 6)), "at most 5 batch sizes"),
        (dict(n=0), "`n` must be between 1 and 1000, got 0"),
        (dict(n=1000, epochs=10), "B = 1 takes 10,000 steps"),
        (dict(lr=0.0), "`lr` must be greater than 0"),
        (dict(noise=-1.0), "`noise` must be a number"),
    ],
)
def test_bad_specs_say_what_to_change(change, match):
    spec = tj.full_batch(tj.PathSpec(**{**TUTORIAL.__dict__, **change}))
    with pytest.raises(InputError, match=match):
        tj.check_spec(spec)


def test_full_batch_is_n_and_duplicates_go():
    spec = tj.full_batch(tj.PathSpec(n=10, batch_sizes=(1, 0, 10, 3)))
    assert spec.batch_sizes == (1, 10, 3)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--dataset", "mnist", "--batch-size", "3"], "`dataset` linear"),
        (["--model", "mlp", "--batch-size", "3"], "`model` linear"),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--batch-size", "-2"], "--batch-size must be at least 1, got -2"),
        (["--batch-size", "3", "--optimizer", "adam"], "`optimizer` must be sgd"),
        (["--batch-size", "three"], "--batch-size must be a whole number"),
        (["--batch-size", "3", "--grid", "1"], "`grid` must be between 2 and 201"),
    ],
)
def test_cli_bad_input_is_one_line_on_stderr_and_exit_2(capsys, argv, words):
    assert main(["trajectory", *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert words in captured.err and captured.err.count("\n") == 1, captured.err


def test_the_url_state_module_does_not_import_tensorflow():
    # app.py imports urlstate (which reads the Path page's bounds) on every page, Schedule too.
    code = "import sys, core.urlstate; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- the engine's Keras training from here on (TensorFlow's import: a few seconds, once)


@pytest.fixture(scope="module")
def tutorial():
    return tj.trajectory(TUTORIAL)


@pytest.fixture(scope="module")
def noisy():
    return tj.trajectory(tj.PathSpec(n=12, batch_sizes=(5,), epochs=6, lr=0.004, noise=1.5, seed=7))


def test_paths_follow_the_schedules_batches_and_share_the_start(tutorial):
    for path in tutorial.paths:
        assert path.batches == tuple(schedule_batches(TUTORIAL, path.batch_size))
        assert (path.w[0], path.b[0]) == tutorial.start
    assert [p.steps for p in tutorial.paths] == [100, 40, 10]
    assert [len(b) for b in tutorial.paths[1].batches[:4]] == [3, 3, 3, 1]
    assert tutorial.start[1] == 0.0 and abs(tutorial.start[0]) <= np.sqrt(3.0)  # Glorot, zero bias


@pytest.mark.parametrize("which", [0, 1, 2])
def test_engine_path_equals_float64_sgd_on_the_same_batches(tutorial, which):
    path = tutorial.paths[which]
    x, y = tutorial_data(TUTORIAL)
    expected = replay(x, y, tutorial.start, schedule_batches(TUTORIAL, path.batch_size), 0.01)
    got = np.column_stack([path.w, path.b])
    # Keras computes in float32: 100 steps drift by a few ulps of the weights (~1e-7 each).
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-5)
    np.testing.assert_allclose(path.loss, tj.mse(x, y, expected[:, 0], expected[:, 1]), rtol=2e-4)


def test_noisy_data_other_seed_and_lr_match_the_replay_too(noisy):
    spec, path = noisy.spec, noisy.paths[0]
    x, y = tutorial_data(spec)
    assert np.allclose(noisy.y, y) and not np.allclose(y, 2 * x)
    expected = replay(x, y, noisy.start, schedule_batches(spec, 5), spec.lr)
    np.testing.assert_allclose(np.column_stack([path.w, path.b]), expected, rtol=0, atol=2e-5)
    assert noisy.start != (noisy.start[0], 1.0) and noisy.start[0] != pytest.approx(-0.4083, 1e-3)


def test_the_engines_train_reports_the_losses_of_this_path(tutorial):
    from core.train.engine import Reporter, TrainConfig, prepare, train

    class Losses(Reporter):
        def __init__(self):
            self.losses = []

        def chunk(self, chunk, steps_done):
            self.losses += chunk.losses

    for path in tutorial.paths:
        cfg = TrainConfig(
            dataset="linear",
            model="linear",
            n=10,
            batch_size=path.batch_size,
            epochs=10,
            optimizer="sgd",
            lr=0.01,
        )
        seen = Losses()
        train(prepare(cfg), seen)
        # The Train page's fused engine and this path: the same steps, so the same batch losses.
        np.testing.assert_allclose(seen.losses, path.batch_loss, rtol=1e-5, atol=1e-6)


def test_step_view_arrows_are_minus_lr_times_the_batch_and_full_gradients(tutorial):
    path = tutorial.paths[1]
    x, y = tutorial_data(TUTORIAL)
    view = tj.step_view(tutorial, path, 3)  # the partial batch of one sample
    assert view.batch == path.batches[3] and len(view.batch) == 1 and view.epoch == 0

    def numeric(idx):
        f = lambda w, b: np.mean((w * x[idx] + b - y[idx]) ** 2)  # noqa: E731
        h = 1e-6
        return (
            (f(view.w + h, view.b) - f(view.w - h, view.b)) / (2 * h),
            (f(view.w, view.b + h) - f(view.w, view.b - h)) / (2 * h),
        )

    gb, gf = numeric(list(view.batch)), numeric(list(range(10)))
    assert view.batch_step == pytest.approx((-0.01 * gb[0], -0.01 * gb[1]), rel=1e-5, abs=1e-9)
    assert view.full_step == pytest.approx((-0.01 * gf[0], -0.01 * gf[1]), rel=1e-5, abs=1e-9)
    cos = np.dot(gb, gf) / (np.linalg.norm(gb) * np.linalg.norm(gf))
    assert view.angle == pytest.approx(np.degrees(np.arccos(cos)), abs=1e-4)
    assert view.ratio == pytest.approx(np.linalg.norm(gb) / np.linalg.norm(gf), rel=1e-6)
    # The batch arrow is the step the path takes.
    assert (view.w + view.batch_step[0], view.b + view.batch_step[1]) == pytest.approx(
        (path.w[4], path.b[4]), abs=1e-5
    )
    end = tj.step_view(tutorial, path, path.steps)
    assert end.batch == () and end.batch_step is None and end.angle is None


def test_other_paths_are_shown_at_the_same_samples_seen(tutorial):
    b1, b3, b10 = tutorial.paths
    seen = int(b3.samples_seen()[5])  # 3 + 3 + 3 + 1 + 3
    assert seen == 13
    assert (b1.points_at(seen), b10.points_at(seen)) == (13, 1)


def test_a_too_large_lr_stops_the_path_where_it_diverges():
    traj = tj.trajectory(tj.PathSpec(batch_sizes=(1,), epochs=3, lr=1.0))
    path = traj.paths[0]
    assert path.diverged_step is not None and path.steps == path.diverged_step
    assert np.all(np.isfinite(path.w)) and max(np.abs(path.w)) < tj.DIVERGED
    assert len(path.batches) == 30  # the schedule stays whole


def test_cli_json_contract_matches_schedule_batches_and_the_surface(capsys):
    argv = ["--n", "10", "--batch-size", "3", "--epochs", "10", "--optimizer", "sgd"]
    assert main(["trajectory", "--dataset", "linear", *argv, "--lr", "0.01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"x", "y", "start", "batches", "path", "surface"} <= set(out)
    listed = []
    for epoch in range(10):
        assert main(["schedule", "--n", "10", "--batch-size", "3", "--epochs", "10"]
                    + ["--batches", str(epoch), "--json"]) == 0  # fmt: skip
        listed += json.loads(capsys.readouterr().out)["batches"]
    assert out["batches"] == listed
    assert len(out["path"]) == len(listed) == 40
    x, y = np.array(out["x"]), np.array(out["y"])
    expected = replay(x, y, (out["start"]["w"], out["start"]["b"]), listed, 0.01)[1:]
    got = np.array([[p["w"], p["b"]] for p in out["path"]])
    np.testing.assert_allclose(got, expected, atol=2e-5)
    s = out["surface"]
    i, k = 7, 23
    assert s["loss"][i][k] == pytest.approx(np.mean((s["w"][k] * x + s["b"][i] - y) ** 2))
    assert len(s["loss"]) == len(s["b"]) and len(s["loss"][0]) == len(s["w"]) == tj.GRID


def test_player_frames_hold_the_step_views_arrows_and_the_paths_reached_points(tutorial):
    path = tutorial.paths[0]
    frames = charts_path.frames(tutorial, path)
    assert len(frames) == path.steps + 1
    view = tj.step_view(tutorial, path, 7)
    assert (frames[7]["bw"], frames[7]["bb"]) == pytest.approx(view.batch_step)
    assert (frames[7]["fw"], frames[7]["fb"]) == pytest.approx(view.full_step)
    assert frames[7]["batch"] == list(path.batches[7])
    # The chart's filter `seen <= frames[frame].seen`: at frame 7 of B = 1 (7 samples fed),
    # B = 3 has taken its first two steps (6 samples) and the full batch none.
    points = charts_path.path_frame(tutorial)
    reached = points[points.seen <= frames[7]["seen"]].groupby("series", sort=False).step.max()
    assert reached.tolist() == [7, 2, 0]
    spec = charts_path.player_chart(tutorial, 0, "en").to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["frame"]["bind"]["max"] == path.steps and params["frames"]["value"] == frames


def test_a_long_path_is_drawn_with_at_most_2000_points_and_every_frame_among_them():
    steps = 4999
    w = tuple(np.linspace(0.0, 2.0, steps + 1).tolist())
    path = tj.Path(1, w, w, w, w[1:], tuple((i % 10,) for i in range(steps)), 10)
    surface = tj.Surface((0.0, 2.0), (0.0, 2.0), ((0.0, 1.0), (1.0, 2.0)))
    traj = tj.Trajectory(
        tj.PathSpec(n=10, batch_sizes=(1,), epochs=500), (1.0,) * 10, (2.0,) * 10,
        (0.0, 0.0), (2.0, 0.0, 0.0), (path,), surface, 0.0,
    )  # fmt: skip
    frame = charts_path.path_frame(traj)
    assert len(frame) <= charts_path.MAX_POINTS
    assert frame.step.iloc[0] == 0 and frame.step.iloc[-1] == steps
    shown = [f["step"] for f in charts_path.frames(traj, path)]
    assert len(shown) <= charts_path.MAX_POINTS and set(shown) <= set(frame.step)
    assert shown[-1] == steps


def test_every_mark_of_the_zoomed_landscape_is_clipped_to_its_window(tutorial):
    # An unclipped mark outside the zoomed window (the start's label) stretched the view's
    # bounds to reach it: an SVG 11,702 px wide whose visible part was blank (issue 16).
    surface = tj.valley_surface(tutorial)
    assert not (surface.w[0] <= tutorial.start[0] <= surface.w[-1])  # the start is outside
    spec = charts_path.player_chart(tutorial, 0, "en", surface).to_dict()
    landscape = spec["vconcat"][1]["hconcat"][0]

    def units(layered):
        for layer in layered["layer"]:
            yield from units(layer) if "layer" in layer else [layer]

    marks = [u["mark"] for u in units(landscape)]
    unclipped = [m for m in marks if m["type"] != "rule" or "clip" in m]
    assert all(m.get("clip") for m in unclipped), unclipped
    texts = [u for u in units(landscape) if u["mark"]["type"] == "text"]
    assert 1 <= len(texts) <= 2  # the start's and minimum's labels, left- or right-aligned


def test_landmark_names_stay_clear_of_the_edge_and_the_arrows(tutorial):
    # The minimum near the zoomed window's right edge: its name, set to the right of the cross,
    # was cut by the clip ("minim").
    surface = tj.valley_surface(tutorial)
    w_min = tutorial.minimum[0]
    assert w_min > surface.w[0] + 0.7 * (surface.w[-1] - surface.w[0])
    spec = charts_path.player_chart(tutorial, 0, "en", surface).to_dict()
    landscape = spec["vconcat"][1]["hconcat"][0]
    texts = [layer for layer in landscape["layer"] if layer.get("mark", {}).get("type") == "text"]
    placed = {}
    for layer in texts:
        (rows,) = [spec["datasets"][layer["data"]["name"]]]
        for row in rows:
            placed[row["what"]] = tuple(layer["mark"][k] for k in ("align", "dx", "dy"))
    assert placed["minimum"] == ("right", -10, -10)
    # The paths' first steps climb (b grows), so the arrows leave the start upwards: its name
    # goes under the cross, where they hid "st" of it before.
    assert all(p.b[1] > p.b[0] for p in tutorial.paths)
    assert placed["start"] == ("center", 0, 16)
