"""The advisor on real training (scikit-learn digits, Keras MLP), through `python -m core advise`
and `core.run.advise.advise`: its JSON, its stored sweep, and bad input (one line, exit 2)."""

import json
import math

import pytest

from core.cli import main
from core.errors import InputError
from core.run import advise
from core.run.store import RunStore
from core.study import science, sweep
from core.train.engine import TrainConfig

ROW_KEYS = {
    "batch_size",
    "samples_per_second",
    "lrs_tried",
    "best_lr",
    "steps_to_target",
    "seconds_to_target",
    "samples_to_target",
    "regime",
    "skipped",
}


@pytest.fixture(scope="module")
def digits_advice(tmp_path_factory):
    """One advice on digits MLP at three sizes (about 30 s on 2 cores), and its store."""
    store = RunStore(tmp_path_factory.mktemp("advise") / "runs.db")
    spec = advise.AdviseSpec(
        base=TrainConfig(dataset="digits", model="mlp", batch_size=32, lr=1e-3),
        batch_sizes=(16, 128, 1024),
        seconds=90,
    )
    return advise.advise(spec, store), store


def test_each_size_tries_a_grid_around_the_last_tuned_sizes_best_lr_and_keeps_the_fewest_steps(
    digits_advice,
):
    advice, _ = digits_advice
    assert [r.batch_size for r in advice.rows] == [16, 128, 1024]
    centre_from = (32, 1e-3)  # the largest size starts from the user's lr at B0
    for row in sorted(advice.rows, key=lambda r: -r.batch_size):  # trained largest first
        b0, lr0 = centre_from
        centre = lr0 * math.sqrt(row.batch_size / b0)
        assert row.lrs_tried[:3] == pytest.approx((centre, 3 * centre, centre / 3))
        if row.best_lr is not None:
            centre_from = (row.batch_size, row.best_lr)
        reached = [t for t in row.trials if t.steps_to_target is not None]
        assert reached, row
        assert row.best_lr == min(reached, key=lambda t: t.steps_to_target).lr
        # the best lr again with another seed (seed + 1000): steps are the two runs' mean
        best = min(t.steps_to_target for t in reached)
        repeat = row.repeat
        assert repeat is not None and repeat.lr == row.best_lr, row
        again = repeat.steps_to_target or advise.REPEAT_SLACK * best
        assert row.steps_to_target == pytest.approx(math.sqrt(best * again))
        assert row.seconds_to_target == pytest.approx(row.steps_to_target * row.step_seconds)


def test_steps_to_target_agree_with_the_stored_sweep_read_back(digits_advice):
    advice, store = digits_advice
    runs, _ = sweep.summarize(
        store, advice.sweep_id, advice.spec.target_metric, advice.pilot.target
    )
    assert len(runs) == sum(len(r.trials) + (r.repeat is not None) for r in advice.rows)
    for row in advice.rows:
        repeat = (row.repeat,) if row.repeat is not None else ()
        stored_seed = store.get_run(row.repeat.run_id)["config"]["seed"] if repeat else None
        assert stored_seed in (None, advice.spec.base.seed + advise.REPEAT_SEED)
        for trial in (*row.trials, *repeat):
            stored = runs[runs["run_id"] == trial.run_id].iloc[0]
            assert stored["batch_size"] == row.batch_size and stored["lr"] == pytest.approx(
                trial.lr
            )
            if trial.steps_to_target is None:
                assert math.isnan(stored["steps_to_target"])
                continue
            assert stored["steps_to_target"] == pytest.approx(trial.steps_to_target)
            assert stored["samples_to_target"] == pytest.approx(trial.samples_to_target)
            # at least MIN_EVALUATIONS validation points before the target was crossed
            evals = [e for e in store.evals(trial.run_id) if e["step"] <= trial.steps_to_target]
            assert len(evals) >= sweep.MIN_EVALUATIONS, (row.batch_size, trial.lr)


def test_throughput_was_timed_three_times_per_size_and_the_picks_are_sizes_measured(digits_advice):
    advice, _ = digits_advice
    assert advice.feasibility.max_batch_size == 1024
    assert advice.feasibility.limited_by == "your sizes"
    assert all(len(r.timings) >= science.THROUGHPUT_REPEATS for r in advice.feasibility.rates)
    sizes = {r.batch_size for r in advice.rows}
    assert advice.recommended_batch_size in sizes and advice.resources.batch_size in sizes
    assert advice.recommended_lr == advice.row(advice.recommended_batch_size).best_lr
    assert advice.seconds < 90


def test_a_memory_cap_below_this_process_refuses_every_size():
    spec = advise.AdviseSpec(
        base=TrainConfig(dataset="digits", batch_size=32),
        batch_sizes=(32,),
        target=0.6,
        memory_cap_mb=1.0,
        seconds=30,
    )
    with pytest.raises(InputError, match="no batch size fits: memory cap at B = 32"):
        advise.advise(spec, RunStore())


def test_cli_advise_json_holds_rows_the_recommendation_and_reasons(capsys):
    argv = ["advise", "--dataset", "digits", "--batch-sizes", "64,512", "--seconds", "60"]
    assert main([*argv, "--target", "0.6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {r["batch_size"] for r in out["rows"]} == {64, 512}
    assert set(out["rows"][0]) >= ROW_KEYS
    assert out["recommended_batch_size"] in (64, 512) and out["recommended_lr"] > 0
    assert out["max_feasible_batch_size"] == 512
    assert out["target"] == 0.6 and out["target_metric"] == "val_loss"
    assert out["reasons"] and all(isinstance(s, str) and s.endswith(".") for s in out["reasons"])
    # the page's headline, as plain text: the advised size and its lr, no Markdown
    b, lr = out["recommended_batch_size"], out["recommended_lr"]
    assert out["result"].startswith(f"Use B = {b} with lr {lr:.3g}") and "**" not in out["result"]
    assert RunStore().list_runs(sweep_id=out["sweep_id"])


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--batch-sizes", "0"], "batch sizes must be at least 1, got 0"),
        (["--seconds", "3"], "at least 20 to train anything"),
        (["--target-metric", "val_accuracy", "--target", "1.5"], "between 0 and 1"),
        (["--target", "soon"], "`target` must be a number"),
        (["--batch-sizes", "4096"], "exceed the 1150 training samples"),
        (["--model", "cnn", "--dataset", "blobs"], "cnn model needs image data"),
    ],
)
def test_cli_advise_bad_input_is_one_line_and_exit_2(capsys, extra, match):
    assert main(["advise", "--dataset", "digits", *extra]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert match in err


def test_cli_advise_a_target_no_size_can_reach_is_exit_2_after_the_pilot(capsys):
    argv = ["advise", "--dataset", "digits", "--batch-sizes", "64", "--seconds", "20"]
    assert main([*argv, "--target", "0.001"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "no size can be expected to reach val_loss 0.001" in err


def test_stopped_at_once_the_advice_says_so_and_recommends_nothing():
    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits"), batch_sizes=(64, 256), seconds=30)
    advice = advise.advise(spec, RunStore(), should_stop=lambda: True)
    assert advice.stopped and advice.recommended_batch_size is None
    assert [r.key for r in advice.reasons] == ["advise.why.stopped"]
    assert all(not r.trials for r in advice.rows)
