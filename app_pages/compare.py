"""Compare: sweeps across batch sizes on equal budgets, measured on this device."""

import streamlit as st

from app_pages import ramp_preset, widgets
from core import urlstate
from core.api import sweeps as api
from core.present import charts, charts_sharp
from core.present.text import columns, message

POLL_SECONDS = 0.5
DEFAULTS = {
    "compare.dataset": "digits",
    "compare.model": "mlp",
    "compare.n": 0,
    "compare.optimizer": "adam",
    "compare.lr": 0.001,
    "compare.validation_split": 0.2,
    "compare.batch_sizes": "1, 8, 32, 128, full",
    "compare.repeats": 1,
    "compare.budget": "epochs",
    "compare.budget_value": 3.0,
    "compare.lr_scaling": "none",
    "compare.base_batch_size": 32,
    "compare.warmup_epochs": 0.0,
    "compare.accumulations": "1",
    "compare.keep_product": False,
    "compare.sharpness": False,
    "compare.seed": 0,
    "compare.target_metric": "val_loss",
    "compare.target": 0.5,
    "compare.x": "epoch",
}
lang, t = widgets.setup(DEFAULTS)
ss = st.session_state
planned = st.cache_data(max_entries=16, show_spinner=False)(api.plan_sweep)

st.title(t("compare.title"))
api.warm_pool()
ramp_preset.draw(lang, t)  # Smith et al. 2018: lr decay against a batch-size ramp

c = st.columns(4)
widgets.dataset(c[0], api.SWEEP_DATASETS, key="compare.dataset")
widgets.model(c[1], api.MODELS, key="compare.model")
widgets.number(c[2], t("train.n"), 0, key="compare.n")
widgets.validation_split(c[3], key="compare.validation_split")
c = st.columns(4)
widgets.optimizer(c[0], api.OPTIMIZERS, key="compare.optimizer")
widgets.lr(c[1], t("compare.base_lr"), key="compare.lr")
c[2].selectbox(
    t("compare.lr_scaling"),
    api.LR_SCALING,
    key="compare.lr_scaling",
    help=t("compare.lr_scaling.help"),
)
widgets.number(c[3], t("compare.base_batch_size"), key="compare.base_batch_size")
c = st.columns([1, 3])
c[0].number_input(
    t("compare.warmup_epochs"),
    min_value=0.0,
    max_value=urlstate.MAX_WARMUP_EPOCHS,
    step=1.0,
    format="%g",
    key="compare.warmup_epochs",
)
if ss["compare.lr_scaling"] == "linear":
    c[1].caption(t("compare.goyal_note"))
c = st.columns([2, 1, 1])
c[0].text_input(t("compare.batch_sizes"), key="compare.batch_sizes")
widgets.number(c[1], t("compare.repeats"), 1, urlstate.MAX_REPEATS, key="compare.repeats")
widgets.seed(c[2], key="compare.seed")
c = st.columns([2, 2])
c[0].text_input(
    t("compare.accumulations"), key="compare.accumulations", help=t("compare.accumulations.help")
)
c[1].checkbox(
    t("compare.keep_product"), key="compare.keep_product", help=t("compare.keep_product.help")
)
st.checkbox(t("compare.sharpness"), key="compare.sharpness", help=t("compare.sharpness.help"))
if api.ray_available():
    st.radio(
        t("compare.executor"),
        api.EXECUTORS,
        key="compare.executor",
        horizontal=True,
        help=t("compare.executor.help"),
    )
c = st.columns([3, 1])
c[0].radio(
    t("compare.budget"),
    api.BUDGETS,
    key="compare.budget",
    horizontal=True,
    format_func=lambda b: t(f"compare.budget.{b}"),
)
c[1].number_input(
    t(f"compare.budget_value.{ss['compare.budget']}"),
    min_value=0.0,
    step=1.0,
    key="compare.budget_value",
    format="%g",
)

files = widgets.own_files("compare")
try:
    plan = planned(api.sweep_spec(widgets.inputs("compare"), files))
except ValueError as exc:
    widgets.fix(exc)
st.caption(t("compare.plan", runs=len(plan.configs), rows=plan.rows))
store = widgets.open_store()

handle = ss.get("compare.handle")
running = handle is not None and handle.alive()
b = st.columns([1.4, 1.4, 3.2])  # wide enough for "Stop the sweep" at 1100 px
if b[0].button(t("compare.start"), type="primary", disabled=running, key="compare.start"):
    try:
        started = api.start_sweep(plan, store, ss.get("compare.executor", "local"))
    except api.PoolBusy as exc:
        st.warning(message(exc, lang))
        st.stop()
    ss["compare.handle"], ss["compare.sweep_id"] = started.handle, started.sweep_id
    ss["compare.expected"], ss["compare.started"] = started.expected, started.started
    running = True
if b[1].button(t("compare.stop"), disabled=not running, key="compare.stop"):
    handle.stop()

choice = api.choose_sweep(store, ss.get("compare.shown"), ss.get("compare.sweep_id"))
if not choice.names:
    st.info(t("compare.none"))
    if running:  # the first sweep of this store: redraw once its first run is stored

        @st.fragment(run_every=POLL_SECONDS)
        def wait_for_first_run() -> None:
            if api.has_sweeps():
                st.rerun()

        wait_for_first_run()
    st.stop()
if choice.gone:  # a link to a sweep this store does not have
    st.warning(t("compare.sweep_gone", sweep=choice.gone))
ss["compare.shown"] = choice.shown
st.selectbox(
    t("compare.pick"), list(choice.names), format_func=choice.names.get, key="compare.shown"
)


@st.fragment(run_every=POLL_SECONDS if running else None)
def results() -> None:
    sweep_id = ss["compare.shown"]
    store = api.RunStore()
    handle = ss.get("compare.handle")
    active = handle is not None and handle.alive() and sweep_id == ss.get("compare.sweep_id")
    if active:
        expected, started = ss["compare.expected"], ss["compare.started"]
        share, text = api.progress(store, sweep_id, expected, started, lang)
        st.progress(share, text=text)
    c = st.columns(2)
    metric = widgets.target_metric(c[0], api.TARGET_METRICS, key="compare.target_metric")
    target = widgets.target(c[1], key="compare.target")
    view = api.sweep_view(store, sweep_id, metric, target, lang)
    if view is None:
        return
    st.info(view.reading)

    st.subheader(t("compare.curves"))
    c = st.columns([3, 1, 1])
    x = c[0].radio(
        t("compare.x"),
        list(charts.COMPARE_X),
        horizontal=True,
        key="compare.x",
        format_func=lambda c: t(f"chart.axis.{charts.COMPARE_X[c]}"),
    )
    log_x = c[1].checkbox(t("compare.log_x"), key="compare.log_x")
    log_y = c[2].checkbox(t("compare.log_y"), key="compare.log_y")
    # These inputs rerun only this fragment: keep the links in step with them.
    widgets.keep_link()
    data = view.epoch_curves if x == "epoch" else view.step_curves
    dots = api.one_epoch_sizes(data) if x == "epoch" else []
    if dots:
        st.caption(t("compare.one_epoch", sizes=", ".join(dots)))
    if not data.empty:
        chart = charts.sweep_curves_chart(data, x, log_x, log_y, lang=lang)
        st.altair_chart(chart, width="stretch")

    st.subheader(t("compare.finals"))
    by_b = view.by_b
    if view.best_lr_only:
        st.caption(t("compare.best_lr"))
    if view.has_val:
        c = st.columns(2)
        chart = charts.final_metric_chart(by_b, "final_val_loss", lang=lang)
        c[0].altair_chart(chart, width="stretch")
        if view.has_val_accuracy:
            chart = charts.final_metric_chart(by_b, "final_val_accuracy", lang=lang)
            c[1].altair_chart(chart, width="stretch")
    else:
        st.caption(t("compare.no_val"))
        chart = charts.final_metric_chart(by_b, "final_train_loss", lang=lang)
        st.altair_chart(chart, width="stretch")

    st.subheader(t("compare.to_target"))
    c = st.columns(2)
    c[0].altair_chart(charts.to_target_chart(by_b, "steps_to_target", lang=lang), width="stretch")
    c[1].altair_chart(charts.to_target_chart(by_b, "seconds_to_target", lang=lang), width="stretch")
    if view.unreached:
        st.caption(t("compare.unreached", sizes=", ".join(view.unreached)))
    st.subheader(t("compare.throughput"))
    if view.short_timing:
        lo, hi = view.short_timing
        st.caption(t("compare.short_timing", lo=f"{lo:.2g}", hi=f"{hi:.2g}"))
    st.altair_chart(charts.throughput_chart(by_b, lang=lang), width="stretch")

    st.subheader(t("sharp.title"))
    sharp = api.sharpness_view(store, sweep_id, lang)
    if sharp.measured:
        st.caption(t("sharp.caption"))
        st.altair_chart(charts_sharp.sharpness_chart(sharp.by_b, lang=lang), width="stretch")
        st.info(sharp.reading)
    else:
        st.caption(t("sharp.none"))

    if view.accumulation is not None:
        st.subheader(t("compare.accumulation_table"))
        if view.same_effective_batch:
            st.caption(t("compare.accumulation_note"))
        st.dataframe(columns(view.accumulation, lang), hide_index=True, width="stretch")
    st.subheader(t("compare.table"))
    st.dataframe(columns(view.table, lang), hide_index=True, width="stretch")
    if active:  # exports are built once the sweep is done, not on every poll
        return
    files = api.exports(store, view.run_ids)
    names = (f"{sweep_id}.csv", f"{sweep_id}.json", f"{sweep_id}_tensorboard.zip")
    widgets.export_buttons(st.container(horizontal=True), files, *names)
    if running and not active:
        st.rerun()


results()
