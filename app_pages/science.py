"""Science: noise scale, critical batch size, device throughput, myths and facts."""

import pandas as pd
import streamlit as st

from core import demo, urlstate
from core.present import charts, readings, report
from core.present.text import fix_message, message, translator
from core.run.runner import PoolBusy, shared_pool
from core.run.store import RunStore, StoreError
from core.study import science, sweep
from core.train.datasets import DATASETS
from core.train.engine import TrainConfig, prepare
from core.train.models import MODELS

lang = st.session_state.get("lang", "en")
t = translator(lang)

POLL_SECONDS = 0.5
DEFAULTS = {
    "science.dataset": "digits",
    "science.model": "mlp",
    "science.batch_size": 64,
    "science.epochs": 3,
    "science.micro": 4,
    "science.cap": 1024,
    "science.target_metric": "val_loss",
    "science.target": 0.5,
}
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
ss = st.session_state


def task_result(key: str):
    """The finished result of the task stored under `key`, or None while it runs."""
    handle = ss.get(key)
    if handle is None:
        return None
    outcome = handle.outcome()
    if outcome is not None:
        ss[key + ".outcome"] = outcome
        ss.pop(key)
    return None


st.title(t("science.title"))
pool = shared_pool()
pool.warm()

c = st.columns(4)
c[0].selectbox(
    t("train.dataset"), [d for d in DATASETS if d not in ("csv", "linear")], key="science.dataset"
)
c[1].selectbox(t("train.model"), [m for m in MODELS if m != "linear"], key="science.model")
c[2].number_input(t("schedule.batch_size"), step=1, key="science.batch_size")
c[3].number_input(t("schedule.epochs"), step=1, key="science.epochs")
config = TrainConfig(
    dataset=ss["science.dataset"],
    model=ss["science.model"],
    batch_size=ss["science.batch_size"],
    epochs=ss["science.epochs"],
)
try:
    prepared = prepare(config)
    if demo.enabled():
        demo.check_train(prepared)
except ValueError as exc:
    st.error(fix_message(exc, lang))
    st.stop()

TASK_KEYS = ("science.noise", "science.rates", "science.quick")
busy = any(k in ss for k in TASK_KEYS)


@st.fragment(run_every=POLL_SECONDS if busy else None)
def tasks() -> None:
    for key in TASK_KEYS:
        task_result(key)
    if busy and not any(k in ss for k in TASK_KEYS):
        st.rerun()
    if any(k in ss for k in TASK_KEYS):
        st.caption(t("science.measuring"))


tasks()


def outcome(key: str):
    """(result, error) of the last finished task under `key`."""
    out = ss.get(key + ".outcome")
    if out is None:
        return None, None
    return (out[1], None) if out[0] == "done" else (None, out[1])


# -- noise scale ------------------------------------------------------------------------------
st.header(t("science.noise"))
st.markdown(t("science.noise.intro"))
c = st.columns([1, 1, 2])
c[0].number_input(
    t("science.micro"),
    min_value=urlstate.MIN_MICRO,
    max_value=urlstate.MAX_MICRO,
    step=1,
    key="science.micro",
)
if c[1].button(t("science.measure"), disabled="science.noise" in ss, key="science.measure"):
    micro = int(ss["science.micro"])
    try:
        science.check_micro(int(ss["science.batch_size"]), micro)
    except ValueError as exc:
        st.error(t("train.fix", message=message(exc, lang)))
    else:
        try:
            ss["science.noise"] = pool.submit_task(
                "noise_scale", config=config.to_dict(), micro=micro
            )
        except PoolBusy as exc:
            st.warning(message(exc, lang))
        else:
            st.rerun()
noise, error = outcome("science.noise")
if error:
    st.error(error)
elif noise:
    for kind, line in readings.noise_scale_lines(noise, lang):
        getattr(st, kind)(line)
    per_step = pd.DataFrame(noise["per_step"])
    if not per_step.empty:
        st.altair_chart(
            charts.noise_scale_chart(per_step, noise["batch_size"], lang=lang), width="stretch"
        )

# -- critical batch -----------------------------------------------------------------------
st.header(t("science.crit"))
st.markdown(t("science.crit.intro"))
fit = None
store = None
try:
    store = RunStore()
    sweeps = store.sweeps()
except StoreError as exc:
    st.error(message(exc, lang))
    sweeps = []
sweeps = [s_ for s_ in sweeps if s_["runs"] >= 2]
quick = science.quick_sweep(config)
c = st.columns([1, 3])
if c[0].button(
    t("science.quick"), disabled="science.quick" in ss or store is None, key="science.quick_run"
):
    try:
        configs = sweep.plan_checked(quick)
        if demo.enabled():
            demo.check_sweep(configs)
        quick_id = sweep.new_sweep_id()
        ss["science.quick"] = pool.submit_sweep(configs, str(store.path), quick_id)
        ss["science.quick_id"] = quick_id
    except (PoolBusy, ValueError) as exc:
        st.warning(message(exc, lang))
    else:
        st.rerun()
c[1].caption(
    t(
        "science.quick.help",
        sizes=", ".join(map(str, quick.batch_sizes)),
        epochs=science.QUICK_SWEEP_EPOCHS,
        b0=quick.base_batch_size,
    )
)
_, quick_error = outcome("science.quick")
if quick_error:
    st.error(t("train.failed", message=quick_error))
elif "science.quick.outcome" in ss and "science.quick_id" in ss:
    ss["science.sweep"] = ss.pop("science.quick_id")  # show the quick sweep once it is done
if not sweeps:
    st.info(t("science.crit.none"))
else:
    names = {s_["sweep_id"]: report.sweep_label(s_) for s_ in sweeps}
    if ss.get("science.sweep") and ss["science.sweep"] not in names:
        st.warning(t("compare.sweep_gone", sweep=ss["science.sweep"]))
        ss["science.sweep"] = next(iter(names))
    c = st.columns(3)
    sweep_id = c[0].selectbox(
        t("compare.pick"), list(names), format_func=names.get, key="science.sweep"
    )
    metric = c[1].selectbox(
        t("compare.target_metric"),
        sweep.TARGET_METRICS,
        format_func=lambda m: t(f"target.{m}"),
        key="science.target_metric",
    )
    target = c[2].number_input(t("compare.target"), format="%.4g", step=0.05, key="science.target")
    runs, by_b = sweep.summarize(store, sweep_id, metric, target)
    reached = science.reached_rows(by_b)
    try:
        fit = science.fit_critical_batch(reached["batch_size"], reached["steps_to_target"])
    except ValueError as exc:
        st.warning(message(exc, lang))
    if fit is not None:
        st.markdown(readings.critical_batch_line(fit, lang))
        st.caption(readings.target_method_line(runs, lang))
        points = pd.DataFrame(
            {
                "batch_size": reached["batch_size"],
                "steps": reached["steps_to_target"],
                "samples": reached["samples_to_target"],
            }
        )
        curve = None
        if fit.status == "fit":
            lo, hi = points["batch_size"].min() / 4, points["batch_size"].max() * 4
            curve = science.hyperbola(fit, lo, hi)
        st.altair_chart(charts.critical_batch_chart(points, curve, lang=lang), width="stretch")
        if science.lr_was_fixed(reached):
            st.caption(t("science.crit.fixed_lr"))
        if noise and fit.status == "fit":
            st.caption(t("science.crit.vs_noise", b=noise["b_simple"], c=fit.b_crit))
        if fit.status != "fit":
            fit = None

# -- throughput ------------------------------------------------------------------------------
st.header(t("science.throughput"))
st.markdown(t("science.throughput.intro"))
c = st.columns([1, 1, 2])
c[0].select_slider(t("science.throughput.cap"), urlstate.THROUGHPUT_CAPS, key="science.cap")
if c[1].button(
    t("science.throughput.run"), disabled="science.rates" in ss, key="science.throughput_run"
):
    sizes = [
        b
        for b in science.powers_of_two(int(ss["science.cap"]))
        if b <= prepared.schedule.train_samples
        and (not demo.enabled() or b <= demo.limits().max_throughput_batch)
    ]
    try:
        ss["science.rates"] = pool.submit_task(
            "throughput", config=config.to_dict(), batch_sizes=sizes, seconds=0.5
        )
    except PoolBusy as exc:
        st.warning(message(exc, lang))
    else:
        st.rerun()
rates, error = outcome("science.rates")
if error:
    st.error(error)
elif rates:
    rows = rates["rows"]
    st.altair_chart(charts.device_throughput_chart(pd.DataFrame(rows), lang=lang), width="stretch")
    st.info(readings.throughput_reading(rows, lang))
    if fit is not None:
        st.subheader(t("science.guidance"))
        table = science.time_to_target(fit, rows)
        if not table.empty:
            best = table.sort_values("predicted_seconds").iloc[0]
            st.markdown(
                t(
                    "science.guidance.best",
                    b=int(best["batch_size"]),
                    s=best["predicted_seconds"],
                    steps=best["predicted_steps"],
                )
            )
            st.dataframe(readings.time_to_target_table(table, lang), hide_index=True)

st.header(t("science.myths"))
st.markdown(t("science.myths.body"))
