"""The advisor's pieces against independent references: lr grid, feasible-size search against a
memory cap, the throughput knee, steps to target with a known answer, and the recommendation
rule with its ties. No training here (see tests/run/test_advise_train.py)."""

import math
import string

import numpy as np
import pytest

from core.errors import InputError
from core.present import readings_advise
from core.present.text import EN, LANGS
from core.run import advise
from core.run.advise import Pick, Rate, SizeRow, Trial
from core.study import science
from core.train.engine import TrainConfig


def test_lr_grid_is_the_sqrt_scaled_lr_times_a_third_one_and_three_centre_first():
    grid = advise.lr_grid(1e-3, 128, 32)
    centre = 1e-3 * math.sqrt(128 / 32)  # 2e-3
    assert grid == pytest.approx((centre, 3 * centre, centre / 3))
    assert advise.lr_grid(1e-3, 32, 32) == pytest.approx((1e-3, 3e-3, 1e-3 / 3))
    assert advise.lr_grid(0.01, 8, 32, (0.5, 1.0)) == pytest.approx((0.005, 0.0025))


@pytest.mark.parametrize("b", [1, 2, 8, 100, 4096])
def test_each_size_tries_at_least_two_lrs_spanning_a_factor_nine(b):
    grid = advise.lr_grid(3e-4, b, 64)
    assert len(grid) == 3 and max(grid) / min(grid) == pytest.approx(9)
    assert np.exp(np.mean(np.log(grid))) == pytest.approx(3e-4 * math.sqrt(b / 64))


def memory_probe(base_mb, per_sample_mb, oom_from=None):
    """A device whose peak memory grows linearly with B (and runs out at `oom_from`)."""

    def measure(b):
        if oom_from is not None and b >= oom_from:
            raise RuntimeError("ResourceExhaustedError: OOM when allocating tensor")
        rate = Rate(b, 1000.0 * b, 900.0 * b, 1100.0 * b, 1000.0)
        return rate, base_mb + per_sample_mb * b

    return measure


@pytest.mark.parametrize(("base", "per", "cap"), [(100, 10, 1000), (500, 0.5, 600), (50, 1, 4000)])
def test_feasible_search_stops_at_the_largest_power_of_two_under_the_memory_cap(base, per, cap):
    sizes = science.powers_of_two(2**14)
    found = advise.search_feasible(memory_probe(base, per), sizes, cap)
    reference = max(b for b in sizes if base + per * b <= cap)  # brute force over every size
    assert found.max_batch_size == reference
    assert found.limited_by == "memory cap" and found.refused == 2 * reference
    assert [r.batch_size for r in found.rates] == [b for b in sizes if b <= reference]


def test_feasible_search_stops_at_out_of_memory_and_at_the_training_set():
    sizes = science.powers_of_two(1150)
    oom = advise.search_feasible(memory_probe(100, 0, oom_from=300), sizes, 1e9)
    assert (oom.max_batch_size, oom.limited_by, oom.refused) == (256, "out of memory", 512)
    fits = advise.search_feasible(memory_probe(100, 0), sizes, 1e9)
    assert (fits.max_batch_size, fits.limited_by, fits.refused) == (1024, "training set", None)


def test_feasible_search_with_nothing_fitting_says_what_to_do_and_passes_other_errors_on():
    with pytest.raises(InputError, match="no batch size fits.*raise `memory_cap_mb`"):
        advise.search_feasible(memory_probe(2000, 1), [1, 2, 4], 1000)

    def broken(b):
        raise ZeroDivisionError("a bug, not memory")

    with pytest.raises(ZeroDivisionError):
        advise.search_feasible(broken, [1, 2], 1000)


def rates_from(overhead, per_sample, sizes):
    """Timings of a device whose step takes overhead + per_sample · B seconds, exactly."""
    out = []
    for b in sizes:
        step = overhead + per_sample * b
        out.append(Rate(b, b / step, 0.95 * b / step, 1.05 * b / step, 1 / step))
    return out


def test_knee_is_where_the_fitted_doubling_gain_falls_below_two_to_the_point_eight():
    sizes = science.powers_of_two(1024)
    knee = advise.scaling_knee(rates_from(1e-4, 1e-6, sizes))
    # reference: the first size whose doubling, by the model itself, gains less than 2^0.8
    gains = {b: 2 * (1e-4 + 1e-6 * b) / (1e-4 + 2e-6 * b) for b in sizes}
    first = min(b for b in sizes if gains[b] < 2**0.8)
    assert knee.batch_size == first == 32 and knee.limited_by == "device"
    assert knee.overhead_seconds == pytest.approx(1e-4) and knee.per_sample_seconds == (
        pytest.approx(1e-6)
    )
    assert knee.gain == pytest.approx(gains[32])


def test_no_knee_while_the_fixed_cost_of_a_step_still_dominates():
    knee = advise.scaling_knee(rates_from(1e-3, 1e-9, science.powers_of_two(256)))
    assert knee.batch_size is None and knee.limited_by == "overhead"
    assert advise.scaling_knee(rates_from(1e-3, 1e-6, [8])) is None  # one size: no slope


def test_first_crossing_interpolates_between_evaluations_like_the_sweep_summary():
    steps, losses = [10, 20, 30, 40], [2.0, 1.0, 0.6, 0.2]
    assert advise.first_crossing(steps, losses, 0.8, False) == pytest.approx(25.0)
    assert advise.first_crossing(steps, losses, 3.0, False) == 10.0  # reached at the first
    assert advise.first_crossing(steps, losses, 0.1, False) is None
    assert advise.first_crossing(steps[:3], [0.2, 0.5, 0.9], 0.7, True) == pytest.approx(25.0)


def test_default_target_is_the_best_plus_five_percent_of_the_range_on_the_easy_side():
    assert advise.default_target([2.0, 1.0, 0.3, 0.35], False) == pytest.approx(0.385)
    assert advise.default_target([2.3, 0.2913], False) == pytest.approx(0.392)  # 0.39179 ↑
    assert advise.default_target([0.5, 0.9, 0.92], True) == pytest.approx(0.899)


def test_critical_batch_comes_back_from_synthetic_steps_to_target():
    b_crit, s_min = 200.0, 50.0
    sizes = science.powers_of_two(4096)
    rows = [SizeRow(b, None, None, steps_to_target=s_min * (1 + b_crit / b)) for b in sizes]
    fit = advise.critical_fit(rows)
    assert fit.status == "fit"
    assert fit.b_crit == pytest.approx(b_crit, rel=0.01) and fit.s_min == pytest.approx(s_min, 0.01)
    exact = science.CriticalBatchFit("fit", 200.0, 50.0, 1e4, (150.0, 250.0), 13, 0.0, (1, 4096))
    assert [advise.regime(b, exact) for b in (8, 50, 51, 799, 800, 4096)] == [
        "perfect",
        "perfect",
        "diminishing",
        "diminishing",
        "none",
        "none",
    ]
    assert advise.critical_fit(rows[:2]) is None  # two points fit any hyperbola


def rate(b, step_seconds, spread=0.0):
    """A measured throughput of step_seconds a step at B, ±spread (relative)."""
    return Rate(
        b,
        b / step_seconds,
        b / step_seconds / (1 + spread),
        b / step_seconds * (1 + spread),
        1 / step_seconds,
    )


def timed(b, steps, step_seconds, spread=0.0, samples=None):
    """A size row whose time to target is steps × step time, the range ±spread (relative)."""
    measured = rate(b, step_seconds, spread)
    row = SizeRow(
        b,
        measured.samples_per_second,
        step_seconds,
        steps_to_target=steps,
        samples_to_target=samples if samples is not None else steps * b,
        best_lr=1e-3,
    )
    return advise.with_uncertainty(row, measured, 0.0)


def test_with_uncertainty_is_steps_times_step_time_with_the_timing_range():
    row = timed(64, 100, 0.01, spread=0.1)
    assert row.seconds_to_target == pytest.approx(1.0)
    assert (row.seconds_low, row.seconds_high) == pytest.approx((1 / 1.1, 1.1))


def test_recommendation_is_the_fastest_when_it_clearly_wins():
    rows = [timed(32, 1000, 0.01), timed(128, 300, 0.015), timed(512, 250, 0.04)]
    time_pick, resources = advise.recommend(rows, 0.0)
    assert time_pick == Pick(128, 128, (128,))
    # the Playbook's resources: cost per step × steps, on one device the time itself
    assert resources == time_pick


def test_a_tie_on_time_goes_to_the_largest_size_that_still_cut_steps():
    # 256: 5.0 s, 512: 4.8 s, their ranges (±10 %) overlap; 1024 at 9 s is clearly slower
    rows = [timed(256, 200, 0.025, 0.1), timed(512, 120, 0.04, 0.1), timed(1024, 100, 0.09, 0.1)]
    time_pick, resources = advise.recommend(rows, 0.0)
    assert time_pick == Pick(512, 512, (256, 512), cut_from=256, stalled_at=None)
    assert resources == time_pick


def test_a_tied_size_that_does_not_clearly_cut_steps_is_passed_over():
    # 16 takes 0.95 × the steps of 8: within two 5 % errors (× 0.905), not a cut; 32 takes
    # 400, clearly fewer than 16's 950 (the fewest below it), so 32 is advised
    rows = [timed(8, 1000, 0.01, 0.2), timed(16, 950, 0.0103, 0.2), timed(32, 400, 0.024, 0.2)]
    time_pick, _ = advise.recommend(rows, 0.05)
    assert time_pick.ties == (8, 16, 32) and time_pick.best == 32
    assert (time_pick.batch_size, time_pick.cut_from, time_pick.stalled_at) == (32, 16, None)


def test_no_size_reached_means_no_pick():
    assert advise.recommend([SizeRow(8, 1.0, 1.0)], 0.05) == (Pick(None, None), Pick(None, None))


def synthetic_advice(timings=None, **spec_fields):
    """An Advice concluded from made-up sizes: TIMINGS (b, steps, step seconds, spread) or a
    B_crit ≈ 64 curve over B = 1..1024."""
    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits", batch_size=32), **spec_fields)
    timings = timings or [
        (b, 40 * (1 + 64 / b), 1e-4 * (1 + b / 32), 0.05) for b in science.powers_of_two(1024)
    ]
    rows = [timed(*timing) for timing in timings]
    rows = [
        advise.replace(
            r,
            trials=(
                Trial(r.best_lr, "r", r.steps_to_target, 1.0, "completed"),
                Trial(r.best_lr * 3, "s", None, None, "completed"),
            ),
        )
        for r in rows
    ]
    if rows[0].batch_size == 1:
        rows[0] = SizeRow(1, None, None, skipped="budget")
    feasible = advise.Feasibility(
        1024,
        "training set",
        tuple(rate(b, step_seconds, spread) for b, _, step_seconds, spread in timings),
        None,
        900.0,
        9000.0,
    )
    pilot = advise.Pilot(0.39, "pilot", 80.0, 0.29, 20)
    return advise.conclude(spec, "sw-x", pilot, feasible, rows, (150.0, (90.0, 400.0)), 30.0, False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_headline_never_calls_a_broken_tie_the_least_time(lang):
    # Advise said "Use B = 32 ... in the least time, about 0.0072 s" above a table where B=128
    # took 0.0046 s: a tie on time had gone to the size computing fewer samples.
    # 1024 needs more steps than 512: no B_crit fit, so the steps decide within the tie
    tie = [(256, 200, 0.025, 0.1), (512, 190, 0.025, 0.1), (1024, 400, 0.09, 0.1)]
    advice = synthetic_advice(tie)
    assert (advice.recommended_batch_size, advice.time.best) == (256, 512)
    line = readings_advise.result_line(advice, lang)
    assert "B = 256" in line and "B = 512" in line and "4.75" in line  # 190 × 25 ms
    assert ("least time" not in line) and ("最短" not in line)
    clear = [(32, 1000, 0.01, 0.0), (128, 300, 0.015, 0.0), (512, 250, 0.04, 0.0)]
    line = readings_advise.result_line(synthetic_advice(clear), lang)
    assert "B = 128" in line and ("least time" in line or "最短" in line)


def fields(text):
    return sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})


def test_every_reason_reads_in_english_and_chinese_with_its_fields():
    advice = synthetic_advice()
    keys = [r.key for r in advice.reasons]
    assert "advise.why.time_range" in keys and "advise.why.skipped" in keys
    assert "advise.why.noise" in keys and "advise.why.noise_vs_crit" in keys
    for reason in advice.reasons:
        for lang in ("en", "zh"):
            text = LANGS[lang][reason.key]
            assert set(fields(text)) <= set(dict(reason.fields)), reason.key
            text.format(**dict(reason.fields))
    every = {k for k in EN if k.startswith("advise.why.")}
    assert {
        f"advise.why.feasible.{w.replace(' ', '_')}"
        for w in ("training set", "memory cap", "out of memory", "your sizes")
    } <= every
    assert {f"advise.why.crit.{s}" for s in science.FIT_STATUSES} <= every


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"batch_sizes": (32, -1)}, "`batch_sizes` must be whole numbers of at least 1"),
        ({"seconds": 5}, "`seconds` .* at least 20"),
        ({"seconds": math.inf}, "`seconds`"),
        ({"target_metric": "train_loss"}, "unknown target metric"),
        ({"target_metric": "val_accuracy", "target": 1.5}, "between 0 and 1"),
        ({"target": -0.2}, "greater than 0"),
        ({"lr_factors": (1.0,)}, "at least 2 different"),
        ({"memory_cap_mb": 0.0}, "`memory_cap_mb` must be greater than 0"),
        ({"executor": "slurm"}, "unknown executor"),
    ],
)
def test_bad_specs_name_the_argument_and_the_value(change, match):
    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits"), **change)
    with pytest.raises(InputError, match=match):
        advise.check_spec(spec)


def test_batch_size_zero_and_bad_targets_are_refused_where_they_are_typed():
    with pytest.raises(InputError, match="at least 1, got 0"):
        advise.parse_sizes("32, 0")
    assert advise.parse_sizes(" ") == () and advise.parse_sizes("8, full") == (8, 0)
    assert advise.parse_target("") is None and advise.parse_target("0.4") == 0.4
    with pytest.raises(InputError, match="`target` must be a number"):
        advise.parse_target("low")


def test_sizes_are_checked_against_the_training_set():
    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits"), batch_sizes=(64, 0, 4096))
    with pytest.raises(InputError, match="4096 exceed the 1150 training samples"):
        advise.check_base(spec)
    n, sizes = advise.check_base(advise.replace(spec, batch_sizes=(64, 0)))
    assert (n, sizes) == (1150, (64, 1150))  # 0: the whole training set
    assert advise.check_base(advise.AdviseSpec(base=TrainConfig(dataset="digits")))[1][-1] == 1024


def test_spec_survives_the_trip_to_a_worker_as_a_dict():
    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits", lr=0.003), batch_sizes=(8, 64))
    assert advise.AdviseSpec.from_dict(spec.to_dict()) == spec


def test_charts_draw_the_regimes_the_fit_the_rules_and_the_recommended_size():
    from core.present import charts_advise

    advice = synthetic_advice()
    bands = charts_advise.regime_bands(advice)
    assert list(bands["key"]) == ["perfect", "diminishing", "none"]
    assert bands["stop"].iloc[0] == pytest.approx(advice.fit.b_crit / 4)
    assert bands["stop"].iloc[1] == pytest.approx(4 * advice.fit.b_crit)
    steps = charts_advise.steps_chart(advice, "zh").to_dict()
    assert len(steps["layer"]) == 4  # regimes, points, fitted curve, B_crit and B_simple rules
    points = charts_advise.trials_data(advice)
    assert set(points["kind"]) == {"best lr"}  # the ×3 trials never reached the target
    time = charts_advise.time_data(advice)
    assert list(time.loc[time["recommended"] != "", "batch_size"]) == [
        advice.recommended_batch_size
    ]
    charts_advise.time_chart(advice).to_dict()
    charts_advise.throughput_chart(advice).to_dict()
