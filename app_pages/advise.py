"""Advise: which batch size to use, by the Tuning Playbook's procedure, on the user's model."""

import streamlit as st

from app_pages import widgets
from core.api.common import with_own_files
from core.present import charts_advise, readings_advise
from core.present.text import fix_message
from core.run import advise
from core.run.runner import PoolBusy, shared_pool

ss = st.session_state

POLL_SECONDS = 0.5
DEFAULTS = {
    "advise.dataset": "digits",
    "advise.model": "mlp",
    "advise.optimizer": "adam",
    "advise.lr": 0.001,
    "advise.base_batch_size": 32,
    "advise.batch_sizes": "",
    "advise.target_metric": "val_loss",
    "advise.target": None,
    "advise.seconds": advise.DEFAULT_SECONDS,
}
lang, t = widgets.setup(DEFAULTS)

st.title(t("advise.title"))
st.markdown(t("advise.intro"))
pool = shared_pool()
pool.warm()
running = "advise.task" in ss

c = st.columns(5)
widgets.dataset(c[0], advise.ADVISE_DATASETS, key="advise.dataset")
widgets.model(c[1], advise.ADVISE_MODELS, key="advise.model")
widgets.optimizer(c[2], advise.ADVISE_OPTIMIZERS, key="advise.optimizer")
c[3].number_input(t("advise.lr"), min_value=1e-12, format="%.4g", key="advise.lr")
c[4].number_input(
    t("advise.base_batch_size"),
    min_value=1,
    step=1,
    key="advise.base_batch_size",
    help=t("advise.base_batch_size.help"),
)
c = st.columns([2, 1, 1, 1])
c[0].text_input(
    t("advise.batch_sizes"), key="advise.batch_sizes", help=t("advise.batch_sizes.help")
)
widgets.target_metric(c[1], advise.TARGET_METRICS, key="advise.target_metric")
c[2].number_input(
    t("advise.target"), value=None, format="%.4g", key="advise.target", help=t("advise.target.help")
)
low, high, help = advise.MIN_SECONDS, advise.MAX_SECONDS, t("advise.seconds.help")
widgets.number(c[3], t("advise.seconds"), low, high, 30.0, help, key="advise.seconds")


files = widgets.own_files("advise")


def read_spec() -> advise.AdviseSpec:
    """The inputs as a checked AdviseSpec (InputError says what to change)."""
    spec = advise.AdviseSpec(
        base=with_own_files(
            advise.TrainConfig(
                dataset=ss["advise.dataset"],
                model=ss["advise.model"],
                optimizer=ss["advise.optimizer"],
                lr=float(ss["advise.lr"]),
                batch_size=int(ss["advise.base_batch_size"]),
                validation_split=advise.DEFAULT_SPLIT,
            ),
            files,
        ),
        batch_sizes=advise.parse_sizes(ss["advise.batch_sizes"]),
        target_metric=ss["advise.target_metric"],
        target=ss["advise.target"],
        seconds=float(ss["advise.seconds"]),
    )
    advise.check_spec(spec)
    advise.check_base(spec)
    return spec


c = st.columns([1, 1, 4])
start = c[0].button(t("advise.start"), type="primary", disabled=running, key="advise.start")
if c[1].button(t("advise.stop"), disabled=not running, key="advise.stop"):
    ss["advise.task"].stop()
if start:
    try:
        spec = read_spec()
        ss["advise.task"] = pool.submit_task("advise", spec=spec.to_dict())
    except (PoolBusy, ValueError) as exc:
        st.error(fix_message(exc, lang))
    else:
        ss.pop("advise.outcome", None)
        st.rerun()


@st.fragment(run_every=POLL_SECONDS if running else None)
def watch() -> None:
    """The bar and ETA while the worker advises; the outcome once it has."""
    handle = ss.get("advise.task")
    if handle is None:
        return
    outcome = handle.outcome()
    if outcome is None and not handle.alive():
        outcome = ("failed", "the worker process ended without a result")
    if outcome is not None:
        ss["advise.outcome"] = outcome
        ss.pop("advise.task")
        st.rerun()
    progress = handle.progress
    share = progress.done / progress.total if progress else 0.0
    st.progress(min(1.0, share), text=readings_advise.progress_line(progress, lang))


watch()

outcome = ss.get("advise.outcome")
if outcome is not None and not running:
    kind, value = outcome
    if kind != "done":
        st.error(t("train.failed", message=value))
    elif "error" in value:
        st.error(fix_message(value["error"], lang))
    else:
        advice = value["advice"]
        line = readings_advise.result_line(advice, lang)
        if line:
            st.success(line)
        else:
            st.warning(t("advise.none"))
        st.subheader(t("advise.reasons"))
        st.markdown("\n".join(f"- {s}" for s in readings_advise.reason_lines(advice, lang)))
        st.subheader(t("advise.table"))
        st.dataframe(readings_advise.advice_table_shown(advice, lang), hide_index=True)
        c = st.columns(2)
        c[0].caption(t("advise.chart.steps"))
        c[0].altair_chart(charts_advise.steps_chart(advice, lang), width="stretch")
        c[1].caption(t("advise.chart.time"))
        c[1].altair_chart(charts_advise.time_chart(advice, lang), width="stretch")
        st.caption(t("advise.chart.throughput"))
        st.altair_chart(charts_advise.throughput_chart(advice, lang), width="stretch")
        st.caption(t("advise.stored", seconds=advice.seconds, sweep=advice.sweep_id))
