"""The critical-batch fit against hyperbolas with a known B_crit (McCandlish et al. 2018, eq. 2.11:
S = S_min (1 + B_crit / B)), with and without noise, and data that must not give a number."""

import numpy as np
import pytest

from core.study import science

SIZES = np.array([8, 16, 32, 64, 128, 256, 512])


def hyperbola(b_crit, s_min=100.0, sizes=SIZES):
    return s_min * (1 + b_crit / sizes)


@pytest.mark.parametrize("b_crit", [20.0, 64.0, 300.0])
def test_an_exact_hyperbola_gives_its_b_crit_s_min_and_e_min(b_crit):
    fit = science.fit_critical_batch(SIZES, hyperbola(b_crit))
    assert fit.status == "fit"
    assert fit.b_crit == pytest.approx(b_crit, rel=0.01)
    assert fit.s_min == pytest.approx(100.0, rel=0.01)
    assert fit.e_min == pytest.approx(100.0 * b_crit, rel=0.02)
    lo, hi = fit.interval
    assert lo < b_crit < hi


def test_the_interval_covers_the_truth_under_measurement_noise():
    rng = np.random.default_rng(0)
    covered, widths = 0, []
    for _ in range(40):
        steps = hyperbola(64.0) * np.exp(rng.normal(0, 0.05, len(SIZES)))
        fit = science.fit_critical_batch(SIZES, steps)
        assert fit.status == "fit"
        lo, hi = fit.interval
        covered += lo <= 64.0 <= hi
        widths.append(hi / lo)
    assert covered >= 30  # a 90 % interval: at least 75 % of 40
    assert np.median(widths) < 2.0


def test_perfect_scaling_up_to_the_largest_size_is_above_range_not_a_huge_number():
    fit = science.fit_critical_batch(SIZES, 1e5 / SIZES)  # steps halve every time B doubles
    assert fit.status == "above_range"
    assert fit.b_crit is None and fit.s_min is None
    assert fit.interval[0] > SIZES[-1] and fit.interval[1] is None


def test_no_saving_from_larger_batches_is_below_range():
    fit = science.fit_critical_batch(SIZES, np.full(len(SIZES), 40.0))  # same steps for all
    assert fit.status == "below_range"
    assert fit.b_crit is None and fit.interval[1] < SIZES[0]


def test_points_that_do_not_follow_the_curve_are_refused():
    fit = science.fit_critical_batch([8, 16, 32, 64], [100, 40, 60, 20])
    assert fit.status == "refused" and fit.b_crit is None


def test_fewer_than_three_sizes_is_an_input_error():
    with pytest.raises(ValueError, match="at least 3 batch sizes"):
        science.fit_critical_batch([8, 32, 32], [40, 10, 11])


@pytest.mark.parametrize("text", ["8:100,16", "8:100,x:3", "8:-1,16:3", "8:100:3"])
def test_bad_points_say_what_to_write(text):
    with pytest.raises(ValueError, match="--points"):
        science.parse_points(text)


def run_cli(capsys, *argv):
    from core.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_the_fit_as_json(capsys):
    points = ",".join(f"{b}:{100 * (1 + 64 / b):g}" for b in SIZES)
    code, out, _ = run_cli(capsys, "critical-batch", "--points", points, "--json")
    import json

    fit = json.loads(out)
    assert code == 0 and fit["status"] == "fit"
    assert fit["b_crit"] == pytest.approx(64, rel=0.01)
    assert fit["interval"][0] < 64 < fit["interval"][1]
    assert set(fit) >= {"status", "b_crit", "s_min", "e_min", "interval"}


def test_cli_says_above_range_without_a_number(capsys):
    code, out, _ = run_cli(capsys, "critical-batch", "--points", "8:800,16:400,32:200,64:100")
    assert code == 0 and "above the largest size tried (64)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["critical-batch", "--points", "8:100,16"],
        ["critical-batch", "--points", "8:100,16:50"],
        ["critical-batch", "--sweep", "sw-none", "--target", "0.5"],
        ["critical-batch", "--sweep", "sw-none"],
        ["critical-batch"],
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, argv, isolated_store):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
