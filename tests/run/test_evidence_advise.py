"""Issue 25 item 2 and issue 22 (advice that stands): every sentence of the advice follows from
the rows beside it. The test reads the advice's JSON and checks each claim against the rows
with its own arithmetic; the picks follow the Tuning Playbook (cost per step × steps, the
largest batch that still cuts steps)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.present import readings_advise
from core.run import advise
from core.run.advise import Rate, SizeRow, Trial
from core.study import science
from core.train.engine import TrainConfig


def _advice(step_time, steps_of, sizes=(8, 16, 32, 64, 128, 256), spread=0.1, rng=None, again=None):
    """An Advice concluded from sizes whose step time and steps to target follow the given
    functions (times spread ±`spread` as three timings would); AGAIN(b): a repeat's steps."""
    rows, rates = [], []
    for b in sizes:
        t = step_time(b)
        noisy = t * (1 + (rng.normal(0, 0.03) if rng is not None else 0.0))
        rate = Rate(b, b / noisy, b / noisy / (1 + spread), b / noisy * (1 + spread), 1 / noisy)
        rates.append(rate)
        steps = steps_of(b)
        row = SizeRow(b, rate.samples_per_second, rate.step_seconds, best_lr=1e-3)
        trials = (Trial(1e-3, "r", steps, steps * b, "completed"), Trial(3e-3, "s", None, None, ""))
        row = advise.replace(row, trials=trials, steps_to_target=steps, samples_to_target=steps * b)
        if again is not None:
            repeat = Trial(1e-3, "q", again(b), None, "completed")
            mean = math.sqrt(steps * again(b))
            row = advise.replace(
                row, repeat=repeat, steps_to_target=mean, samples_to_target=mean * b
            )
        rows.append(row)
    spec = advise.AdviseSpec(base=TrainConfig(dataset="blobs", n=2000, batch_size=32))
    feasible = advise.Feasibility(max(sizes), "training set", tuple(rates), None, 500.0, 9000.0)
    pilot = advise.Pilot(0.4, "pilot", 100.0, 0.3, 20)
    return advise.conclude(spec, "sw", pilot, feasible, rows, (30.0, (20.0, 50.0), (32, 3)), 9, 0)


def check_every_claim(advice) -> set[str]:
    """Each reason's claim against the JSON rows (own arithmetic); the keys checked."""
    js = advise.to_json(advice)
    rows = {r["batch_size"]: r for r in js["rows"] if r["seconds_to_target"] is not None}
    sps = {r["batch_size"]: r["samples_per_second"] for r in js["rows"]}
    fastest = min(rows.values(), key=lambda r: r["seconds_to_target"])
    ties = js["time_ties"]
    # the candidates: the sizes within noise of the fastest, or every size when all train
    # under a second (time set aside)
    short = fastest["seconds_to_target"] < advise.MEANINGFUL_SECONDS
    assert js["pick_by_steps_only"] == short
    pool = sorted(rows) if short else ties
    clearly = math.exp(-2 * js["relative_error"])
    point = js["point_batch_size"]  # what the rule gives on the steps as measured
    checked = set()
    for reason in advice.reasons:
        f = dict(reason.fields)
        key = reason.key
        if key in ("advise.why.knee.device", "advise.why.knee.device_first"):
            sizes = sorted(sps)
            gains = {a: sps[b] / sps[a] for a, b in zip(sizes, sizes[1:], strict=False)}
            assert f["gain"] == pytest.approx(gains[f["b"]])
            assert f["gain"] < f["nearly"] and f["b2"] == 2 * f["b"]
            assert all(g >= f["nearly"] for a, g in gains.items() if a < f["b"])
        elif key == "advise.why.knee.overhead":
            sizes = sorted(sps)
            assert all(
                sps[b] / sps[a] >= f["nearly"] for a, b in zip(sizes, sizes[1:], strict=False)
            )
        elif key == "advise.why.knee.crossover":
            knee = js["knee"]
            assert f["crossover"] == pytest.approx(
                knee["overhead_seconds"] / knee["per_sample_seconds"]
            )
        elif key == "advise.why.time":
            assert f["b"] == fastest["batch_size"] == js["recommended_batch_size"]
            assert f["seconds"] == pytest.approx(f["steps"] * f["step_ms"] / 1e3)
        elif key == "advise.why.time_range":
            assert f["sizes"] == ", ".join(map(str, ties)) and f["best"] == fastest["batch_size"]
            for b, r in rows.items():  # a tie overlaps the fastest; every other size does not
                assert (r["seconds_low"] <= fastest["seconds_high"]) == (b in ties)
        elif key == "advise.why.pick.cut":
            assert f["ratio"] == pytest.approx(
                rows[f["b"]]["steps_to_target"] / rows[f["prev"]]["steps_to_target"]
            )
            assert f["ratio"] < clearly and f["b"] == point
            assert f["prev"] in pool and f["prev"] < f["b"]
            # prev: the fewest steps of the candidates below the pick
            below = [b for b in pool if b < f["b"]]
            assert rows[f["prev"]]["steps_to_target"] <= min(
                rows[b]["steps_to_target"] for b in below
            )
        elif key == "advise.why.pick.stalled":
            assert f["ratio"] == pytest.approx(
                rows[f["next"]]["steps_to_target"] / rows[f["b"]]["steps_to_target"]
            )
            assert f["ratio"] >= clearly and f["next"] == min(b for b in pool if b > f["b"])
        elif key == "advise.why.pick.largest":
            assert f["b"] == max(pool)
        elif key == "advise.why.pick.fit":
            crit = js["critical_batch"]
            assert crit["status"] == "fit" and js["pick_rule"] == "fit"
            cap = advise.CUT_LIMIT * crit["b_crit"]
            assert f["cap"] == pytest.approx(cap)
            # the model's own ratio at the limit: doubling to 3 B_crit gives ×0.8
            assert pytest.approx(0.8) == (1 + 1 / advise.CUT_LIMIT) / (1 + 2 / advise.CUT_LIMIT)
            under = [b for b in pool if b <= cap]
            assert f["b"] == (max(under) if under else min(pool)) == point
            lo, hi = crit["interval"]
            assert f["cap_lo"] == (f"{advise.CUT_LIMIT * lo:,.0f}" if lo else "?")
        elif key in ("advise.why.pick.draws", "advise.why.pick.moved", "advise.why.pick.close"):
            # the advised size is the one the rule gave most often; the range every size given
            # in ≥ 5 % of the draws
            draws = dict(map(tuple, js["pick_draws"]))
            assert sum(draws.values()) == pytest.approx(1.0)
            assert f["b"] == js["recommended_batch_size"] and f["share"] == max(draws.values())
            assert draws[f["b"]] == f["share"] and f["point"] == point
            assert (key == "advise.why.pick.moved") == (point != f["b"]) or key.endswith("close")
            given = [b for b, share in draws.items() if share >= advise.DRAW_SHARE]
            assert (f["lo"], f["hi"]) == (min(given), max(given)) == tuple(js["pick_range"])
        elif key == "advise.why.scale_small":
            assert short and f["b"] == fastest["batch_size"]
            assert f["seconds"] == pytest.approx(fastest["seconds_to_target"])
            assert all(rows[b]["seconds_to_target"] < f["limit"] for b in ties)
        elif key == "advise.why.repeats":
            d = []
            for r in js["rows"]:
                if r["repeat_steps"] is None and r["repeat_run_id"] is None:
                    continue
                first = min(s for s in r["steps_by_lr"] if s is not None)
                again = r["repeat_steps"] or advise.REPEAT_SLACK * first
                d.append(math.log(again / first))
                assert r["steps_to_target"] == pytest.approx(math.sqrt(first * again))
            assert f["n"] == len(d) > 0
            assert f["between"] == pytest.approx(math.exp(math.sqrt(np.mean(np.square(d)))))
            assert f["mean"] == pytest.approx(math.exp(js["seed_noise"]))
            assert js["seed_noise"] == pytest.approx(math.sqrt(np.mean(np.square(d)) / 4))
        elif key == "advise.why.noise_vs_crit":
            assert f["c"] == pytest.approx(js["critical_batch"]["b_crit"])
        else:
            continue
        checked.add(key)
    line = readings_advise.result_line(advice)
    if short:
        assert "does not decide" in line or "time does not decide" in line
    if js["recommended_batch_size"] != fastest["batch_size"]:
        assert "least time" not in line and f"B = {fastest['batch_size']}" in line
    return checked


def test_the_issues_case_every_sentence_follows_from_its_rows():
    # the fit of issue 25: 21 µs fixed a step, 0.46 µs a sample: crossover B ≈ 46, and samples/s
    # still doubles from 8 to 16 (the old text said the device limited speed "from B = 8")
    advice = _advice(lambda b: 21e-6 + 0.46e-6 * b, lambda b: 60 * (1 + 64 / b))
    assert advice.knee.crossover == pytest.approx(21 / 0.46, rel=1e-6)
    text = " ".join(readings_advise.reason_lines(advice))
    assert "from there the device's work per sample is the limit" not in text
    checked = check_every_claim(advice)
    assert "advise.why.knee.crossover" in checked
    assert {"advise.why.knee.device", "advise.why.knee.device_first"} & checked
    assert "≈ 46" in text


@pytest.mark.parametrize("seed", range(40))
def test_claims_hold_and_the_pick_is_the_largest_size_still_cutting_steps(seed):
    rng = np.random.default_rng(seed)
    a, c, b_crit = rng.uniform(1e-5, 1e-3), rng.uniform(1e-8, 1e-6), rng.uniform(4, 400)
    advice = _advice(
        lambda b: a + c * b,
        lambda b: 50 * (1 + b_crit / b) * math.exp(rng.normal(0, 0.05)),
        sizes=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
        rng=rng,
    )
    check_every_claim(advice)
    pick = advice.time
    assert pick.best in pick.ties
    assert pick.batch_size in pick.ties or pick.by_steps_only  # time set aside under a second


@pytest.mark.parametrize("spread", [0.05, 0.2])
def test_a_pick_within_noise_is_stable_across_noisy_repeats(spread):
    # the same model measured three times with 5 % and 20 % noise on steps (and 3 % on
    # timings): each run's pick lies in every run's stated range (issue 22: the same B or a
    # range holding every pick)
    picks, ranges = [], []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        noise = dict(zip(range(10), rng.normal(0, spread, 10), strict=True))
        advice = _advice(
            lambda b: 2e-4 + 1e-7 * b,
            lambda b, noise=noise: 40 * (1 + 32 / b) * math.exp(noise[int(math.log2(b))]),
            sizes=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
            rng=rng,
        )
        picks.append(advice.recommended_batch_size)
        ranges.append(advice.time.pick_range)
    assert all(lo <= p <= hi for p in picks for lo, hi in ranges), (picks, ranges)


def test_every_size_skipped_by_the_budget_says_so_not_that_none_reached_the_target():
    from core.errors import InputError

    spec = advise.AdviseSpec(base=TrainConfig(dataset="digits", batch_size=32))
    rows = [SizeRow(b, 1000.0, 0.01, skipped="budget") for b in (8, 16)]
    rates = tuple(Rate(b, 1000.0, 900.0, 1100.0, 1000.0 / b) for b in (8, 16))
    feasible = advise.Feasibility(16, "training set", rates, None, 1.0, 2.0)
    pilot = advise.Pilot(0.4, "pilot", 100.0, 0.3, 20)
    with pytest.raises(InputError, match="every batch size was skipped"):
        advise.conclude(spec, "sw", pilot, feasible, rows, (None, None, None), 250.0, False)


def _repeated(row: SizeRow, first: float, again: float | None) -> SizeRow:
    """ROW measured at its best lr (FIRST steps) and again with another seed (AGAIN)."""
    trials = (Trial(1e-3, "r", first, first * row.batch_size, "completed"),)
    repeat = Trial(1e-3, "q", again, None if again is None else again * row.batch_size, "")
    return advise.replace(row, trials=trials, repeat=repeat)


def test_seed_noise_is_the_repeats_log_ratios_rms_over_two_for_a_mean_of_two():
    # pairs with log ratios ln 2, −ln 1.5 and a repeat that never reached (counts as ×3)
    rows = [
        _repeated(SizeRow(8, 1.0, 1.0), 100.0, 200.0),
        _repeated(SizeRow(16, 1.0, 1.0), 60.0, 40.0),
        _repeated(SizeRow(32, 1.0, 1.0), 30.0, None),
        SizeRow(64, 1.0, 1.0),  # no repeat: not counted
    ]
    d = np.log([2.0, 40 / 60, advise.REPEAT_SLACK])
    # one run's variance σ² = E[d²] / 2; the mean of two runs has σ² / 2
    assert advise.seed_noise(rows) == pytest.approx(math.sqrt(np.mean(d**2) / 4))
    assert advise.seed_noise(rows[3:]) is None


def test_the_seeds_noise_widens_the_critical_batch_interval_and_keeps_it_covering():
    # the same curve and points: with the seeds' noise σ = 0.2 measured apart, the interval is
    # wider than the residuals alone give, and still holds the true B_crit
    b = 2.0 ** np.arange(0, 10)
    wobble = np.array([0.02, -0.01, 0.015, -0.02, 0.0, 0.01, -0.015, 0.02, -0.01, 0.0])
    steps = 40 * (1 + 32 / b) * np.exp(wobble)
    alone = science.fit_critical_batch(b, steps)
    noisy = science.fit_critical_batch(b, steps, noise=0.2)
    assert alone.status == noisy.status == "fit"
    assert noisy.b_crit == pytest.approx(alone.b_crit)  # the estimate itself is the same
    assert noisy.interval[0] < alone.interval[0] <= 32 <= alone.interval[1] < noisy.interval[1]
    # points scattered as widely as the seeds disagree are not refused for it
    scattered = 40 * (1 + 32 / b) * np.exp(0.3 * np.array([1, -1] * 5))
    assert science.fit_critical_batch(b, scattered).status == "refused"
    assert science.fit_critical_batch(b, scattered, noise=0.2).status != "refused"


def test_repeats_are_said_with_the_seeds_spread_and_every_claim_holds():
    rng = np.random.default_rng(3)
    noise = dict(zip((8, 16, 32, 64, 128, 256), rng.normal(0, 0.3, 6), strict=True))
    advice = _advice(
        lambda b: 2e-3 + 1e-5 * b,
        lambda b: 400 * (1 + 32 / b),
        again=lambda b: 400 * (1 + 32 / b) * math.exp(noise[b]),
    )
    assert "advise.why.repeats" in check_every_claim(advice)
    assert advice.rel_error >= advice.seed_noise > 0.05


def test_the_steps_chart_draws_each_repeat_and_ticks_only_the_sizes_tried():
    from core.present import charts_advise

    advice = _advice(lambda b: 1e-3, lambda b: 100 * (1 + 32 / b), again=lambda b: 90.0)
    points = charts_advise.trials_data(advice)
    repeats = points[points["kind"] == "best lr, another seed"]
    assert list(repeats["batch_size"]) == [r.batch_size for r in advice.rows]
    assert list(repeats["steps"]) == [90.0] * len(advice.rows)
    spec = charts_advise.steps_chart(advice).to_dict()
    x_axes = [
        layer["encoding"]["x"]["axis"]
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("x", {}).get("field") == "batch_size"
        and "axis" in layer["encoding"]["x"]
    ]
    assert x_axes and all(a["values"] == [8, 16, 32, 64, 128, 256] for a in x_axes)
