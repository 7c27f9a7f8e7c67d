"""Science: noise scale, critical batch size, device throughput, myths and facts."""

import streamlit as st

from app_pages import widgets
from core import urlstate
from core.api import science as api
from core.present import charts, charts_roofline, charts_sharp
from core.present.text import message
from core.train.engine import TrainConfig

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
lang, t = widgets.setup(DEFAULTS)
ss = st.session_state
TASK_KEYS = ("science.noise", "science.rates", "science.quick")


def collect(key: str) -> None:
    """Keep the outcome of the task under KEY once its worker has finished."""
    handle = ss.get(key)
    outcome = handle.outcome() if handle is not None else None
    if outcome is not None:
        ss[key + ".outcome"] = outcome
        ss.pop(key)


def outcome(key: str):
    """(result, error) of the last finished task under KEY."""
    out = ss.get(key + ".outcome")
    if out is None:
        return None, None
    return (out[1], None) if out[0] == "done" else (None, out[1])


def start(key: str, launch) -> None:
    """Run LAUNCH() (it submits a task); keep its handle under KEY, or show why not."""
    try:
        ss[key] = launch()
    except api.PoolBusy as exc:
        st.warning(message(exc, lang))
    except ValueError as exc:
        widgets.fix(exc, stop=False)
    else:
        st.rerun()


def task_button(col, label: str, key: str, button: str, launch):
    """A button that runs LAUNCH under KEY (greyed while it runs); the last result, or its error
    shown."""
    if col.button(label, disabled=key in ss, key=button):
        start(key, launch)
    result, error = outcome(key)
    if error:
        st.error(error)
    return result


def measure_noise():
    return api.start_noise_scale(config, int(ss["science.micro"]))


def time_sizes():
    return api.start_throughput(prepared, int(ss["science.cap"]))


st.title(t("science.title"))
api.warm_pool()
c = st.columns(4)
widgets.dataset(c[0], api.SCIENCE_DATASETS, key="science.dataset")
widgets.model(c[1], api.SCIENCE_MODELS, key="science.model")
widgets.number(c[2], t("schedule.batch_size"), key="science.batch_size")
widgets.number(c[3], t("schedule.epochs"), key="science.epochs")
files = widgets.own_files("science")
config = api.with_own_files(
    TrainConfig(
        dataset=ss["science.dataset"],
        model=ss["science.model"],
        batch_size=ss["science.batch_size"],
        epochs=ss["science.epochs"],
    ),
    files,
)
try:
    prepared = api.checked_run(config)
except ValueError as exc:
    widgets.fix(exc)
busy = any(k in ss for k in TASK_KEYS)


@st.fragment(run_every=POLL_SECONDS if busy else None)
def tasks() -> None:
    for key in TASK_KEYS:
        collect(key)
    if busy and not any(k in ss for k in TASK_KEYS):
        st.rerun()
    if any(k in ss for k in TASK_KEYS):
        st.caption(t("science.measuring"))


tasks()

# -- noise scale ------------------------------------------------------------------------------
st.header(t("science.noise"))
st.markdown(t("science.noise.intro"))
c = st.columns([1, 1.4, 1.6])  # the button label is long
widgets.number(
    c[0], t("science.micro"), urlstate.MIN_MICRO, urlstate.MAX_MICRO, key="science.micro"
)
noise = task_button(c[1], t("science.measure"), "science.noise", "science.measure", measure_noise)
if noise:
    for kind, line in api.noise_scale_lines(noise, lang):
        getattr(st, kind)(line)
    if noise["per_step"]:
        chart = charts.noise_scale_chart(noise["per_step"], noise["batch_size"], lang=lang)
        st.altair_chart(chart, width="stretch")

# -- critical batch ---------------------------------------------------------------------------
st.header(t("science.crit"))
st.markdown(t("science.crit.intro"))
fit, names = None, {}
store = widgets.open_store(stop=False)
if store is not None:
    names = api.sweep_names(store)
c = st.columns([1, 3])
if c[0].button(
    t("science.quick"), disabled="science.quick" in ss or store is None, key="science.quick_run"
):

    def launch():
        handle, ss["science.quick_id"] = api.start_quick_sweep(config, store)
        return handle

    start("science.quick", launch)
c[1].caption(t("science.quick.help", **api.quick_sweep_sizes(config)))
_, quick_error = outcome("science.quick")
if quick_error:
    st.error(t("train.failed", message=quick_error))
elif "science.quick.outcome" in ss and "science.quick_id" in ss:
    ss["science.sweep"] = ss.pop("science.quick_id")  # show the quick sweep once it is done
if not names:
    st.info(t("science.crit.none"))
else:
    if ss.get("science.sweep") and ss["science.sweep"] not in names:
        st.warning(t("compare.sweep_gone", sweep=ss["science.sweep"]))
        ss["science.sweep"] = next(iter(names))
    c = st.columns(3)
    sweep_id = c[0].selectbox(
        t("compare.pick"), list(names), format_func=names.get, key="science.sweep"
    )
    metric = widgets.target_metric(c[1], api.TARGET_METRICS, key="science.target_metric")
    target = widgets.target(c[2], key="science.target")
    view = api.critical_batch(store, sweep_id, metric, target, lang)
    if view.error is not None:
        st.warning(message(view.error, lang))
    else:
        fit = view.fit
        st.markdown(view.line)
        st.caption(view.method)
        chart = charts.critical_batch_chart(view.points, view.curve, lang=lang)
        st.altair_chart(chart, width="stretch")
        if view.lr_fixed:
            st.caption(t("science.crit.fixed_lr"))
        if noise and fit.status == "fit":
            st.caption(api.noise_vs_critical_line(noise, fit, lang))

# -- throughput -------------------------------------------------------------------------------
st.header(t("science.throughput"))
st.markdown(t("science.throughput.intro"))
c = st.columns([1, 1, 2])
c[0].select_slider(t("science.throughput.cap"), urlstate.THROUGHPUT_CAPS, key="science.cap")
label = t("science.throughput.run")
rates = task_button(c[1], label, "science.rates", "science.throughput_run", time_sizes)
if rates:
    view = api.throughput_view(rates["rows"], fit, lang, ss["science.model"])
    st.altair_chart(charts.device_throughput_chart(view.rows, lang=lang), width="stretch")
    st.info(view.reading)
    if not view.shares.empty:
        st.subheader(t("roofline.title"))
        chart = charts_roofline.share_of_peak_chart(view.shares, view.ridge_batch, lang=lang)
        st.altair_chart(chart, width="stretch")
        st.info(view.share_reading)
        st.caption(view.share_method)
    if view.best is not None:
        st.subheader(t("science.guidance"))
        best = view.best
        st.markdown(
            t(
                "science.guidance.best",
                b=int(best["batch_size"]),
                s=best["predicted_seconds"],
                steps=best["predicted_steps"],
            )
        )
        st.dataframe(view.table, hide_index=True)

# -- sharp minima (issue 23): two paragraphs and a sketch; Compare measures it -----------------
st.header(t("science.sharp"))
st.markdown(t("science.sharp.body"))
st.altair_chart(charts_sharp.sharpness_sketch_chart(lang=lang), width="stretch")
st.caption(t("science.sharp.figure"))

st.header(t("science.myths"))
st.markdown(t("science.myths.body"))
