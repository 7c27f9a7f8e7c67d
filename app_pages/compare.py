"""Compare: sweeps across batch sizes on equal budgets, measured on this device."""

import math
import time

import streamlit as st

from core import choices, demo, urlstate
from core.present import charts, readings, report
from core.present.text import columns, fix_message, message, translator
from core.run import export
from core.run.runner import PoolBusy, shared_pool
from core.run.store import RunStore, StoreError
from core.study import sweep
from core.train.datasets import DATASETS
from core.train.engine import TrainConfig
from core.train.models import MODELS, OPTIMIZERS

lang = st.session_state.get("lang", "en")
t = translator(lang)

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
    "compare.seed": 0,
    "compare.target_metric": "val_loss",
    "compare.target": 0.5,
    "compare.x": "epoch",
}
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
ss = st.session_state


@st.cache_data(max_entries=16, show_spinner=False)
def planned(spec: sweep.SweepSpec) -> list[TrainConfig]:
    return sweep.plan_checked(spec)


st.title(t("compare.title"))
pool = shared_pool()
pool.warm()

c = st.columns(4)
c[0].selectbox(t("train.dataset"), [d for d in DATASETS if d != "csv"], key="compare.dataset")
c[1].selectbox(t("train.model"), MODELS, key="compare.model")
c[2].number_input(t("train.n"), min_value=0, step=1, key="compare.n")
c[3].number_input(
    t("schedule.validation_split"),
    min_value=0.0,
    max_value=urlstate.MAX_VALIDATION_SPLIT,
    step=0.05,
    key="compare.validation_split",
)
c = st.columns(4)
c[0].selectbox(t("train.optimizer"), OPTIMIZERS, key="compare.optimizer")
c[1].number_input(t("compare.base_lr"), format="%.5g", step=0.0005, key="compare.lr")
c[2].selectbox(
    t("compare.lr_scaling"),
    sweep.LR_SCALING,
    key="compare.lr_scaling",
    help=t("compare.lr_scaling.help"),
)
c[3].number_input(t("compare.base_batch_size"), step=1, key="compare.base_batch_size")
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
c[1].number_input(
    t("compare.repeats"), min_value=1, max_value=urlstate.MAX_REPEATS, step=1, key="compare.repeats"
)
c[2].number_input(t("schedule.seed"), min_value=0, step=1, key="compare.seed")
c = st.columns([2, 2])
c[0].text_input(
    t("compare.accumulations"), key="compare.accumulations", help=t("compare.accumulations.help")
)
c[1].checkbox(
    t("compare.keep_product"), key="compare.keep_product", help=t("compare.keep_product.help")
)
if choices.ray_available():
    st.radio(
        t("compare.executor"),
        choices.EXECUTORS,
        key="compare.executor",
        horizontal=True,
        help=t("compare.executor.help"),
    )
c = st.columns([3, 1])
c[0].radio(
    t("compare.budget"),
    sweep.BUDGETS,
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

try:
    spec = sweep.SweepSpec(
        base=TrainConfig(
            dataset=ss["compare.dataset"],
            model=ss["compare.model"],
            n=ss["compare.n"] or None,
            optimizer=ss["compare.optimizer"],
            lr=ss["compare.lr"],
            validation_split=ss["compare.validation_split"],
            seed=ss["compare.seed"],
        ),
        batch_sizes=sweep.parse_batch_sizes(ss["compare.batch_sizes"]),
        repeats=int(ss["compare.repeats"]),
        budget=ss["compare.budget"],
        budget_value=float(ss["compare.budget_value"]),
        lr_scaling=ss["compare.lr_scaling"],
        base_batch_size=int(ss["compare.base_batch_size"]),
        warmup_epochs=float(ss["compare.warmup_epochs"]),
        accumulations=sweep.parse_accumulations(ss["compare.accumulations"]),
        keep_product=bool(ss["compare.keep_product"]),
    )
    configs = planned(spec)
    if demo.enabled():
        demo.check_sweep(configs)
except ValueError as exc:
    st.error(fix_message(exc, lang))
    st.stop()

rows = ", ".join(
    f"{label} (lr {lr:.3g})"
    for label, lr in dict.fromkeys((sweep.run_label(cfg), cfg.lr) for cfg in configs)
)
st.caption(t("compare.plan", runs=len(configs), rows=rows))

try:
    store = RunStore()
except StoreError as exc:
    st.error(message(exc, lang))
    st.stop()

handle = ss.get("compare.handle")
running = handle is not None and handle.alive()
b = st.columns([1, 1, 4])
if b[0].button(t("compare.start"), type="primary", disabled=running, key="compare.start"):
    sweep_id = sweep.new_sweep_id()
    try:
        ss["compare.handle"] = pool.submit_sweep(
            configs, str(store.path), sweep_id, executor=ss.get("compare.executor", "local")
        )
    except PoolBusy as exc:
        st.warning(message(exc, lang))
        st.stop()
    ss["compare.sweep_id"] = sweep_id
    ss["compare.expected"] = len(configs)
    ss["compare.started"] = time.time()
    running = True
if b[1].button(t("compare.stop"), disabled=not running, key="compare.stop"):
    handle.stop()

sweeps = store.sweeps()
ids = [s_["sweep_id"] for s_ in sweeps]
if ss.get("compare.sweep_id") in ids:
    ss["compare.shown"] = ss["compare.sweep_id"]
if not ids:
    st.info(t("compare.none"))
    if running:  # the first sweep of this store: redraw once its first run is stored

        @st.fragment(run_every=POLL_SECONDS)
        def wait_for_first_run() -> None:
            if RunStore().sweeps():
                st.rerun()

        wait_for_first_run()
    st.stop()
names = {s_["sweep_id"]: report.sweep_label(s_) for s_ in sweeps}
if ss.get("compare.shown") not in ids:
    if ss.get("compare.shown"):  # a link to a sweep this store does not have
        st.warning(t("compare.sweep_gone", sweep=ss["compare.shown"]))
    ss["compare.shown"] = ids[0]
st.selectbox(t("compare.pick"), ids, format_func=names.get, key="compare.shown")


@st.fragment(run_every=POLL_SECONDS if running else None)
def results() -> None:
    sweep_id = ss["compare.shown"]
    store = RunStore()
    handle = ss.get("compare.handle")
    active = handle is not None and handle.alive() and sweep_id == ss.get("compare.sweep_id")
    runs = store.list_runs(sweep_id=sweep_id)
    if active:
        total = ss.get("compare.expected", len(runs))
        finished = sum(r["status"] not in ("starting", "running") for r in runs)
        elapsed = time.time() - ss.get("compare.started", time.time())
        eta = elapsed / finished * (total - finished) if finished else None
        text = t("compare.progress", done=min(finished + 1, total), total=total)
        if eta is not None:
            text += " · " + t("compare.eta", seconds=math.ceil(eta))
        st.progress(finished / total if total else 0.0, text=text)
    c = st.columns(2)
    metric = c[0].selectbox(
        t("compare.target_metric"),
        sweep.TARGET_METRICS,
        format_func=lambda m: t(f"target.{m}"),
        key="compare.target_metric",
    )
    target = c[1].number_input(t("compare.target"), format="%.4g", step=0.05, key="compare.target")
    table, by_b = sweep.summarize(store, sweep_id, metric, target)
    if table.empty:
        return
    st.info(readings.sweep_reading(by_b, metric, target, lang))

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
    # These inputs rerun only this fragment: keep the address bar's link in step with them.
    st.query_params.from_dict(urlstate.to_query("compare", ss, lang))
    step_curves, epoch_curves = sweep.curves(store, sweep_id)
    data = epoch_curves if x == "epoch" else step_curves
    if not data.empty:
        st.altair_chart(
            charts.sweep_curves_chart(data, x, log_x, log_y, lang=lang), width="stretch"
        )

    st.subheader(t("compare.finals"))
    if by_b["final_val_loss"].notna().any():
        c = st.columns(2)
        c[0].altair_chart(
            charts.final_metric_chart(by_b, "final_val_loss", lang=lang), width="stretch"
        )
        if by_b["final_val_accuracy"].notna().any():
            c[1].altair_chart(
                charts.final_metric_chart(by_b, "final_val_accuracy", lang=lang), width="stretch"
            )
    else:
        st.caption(t("compare.no_val"))
        st.altair_chart(
            charts.final_metric_chart(by_b, "final_train_loss", lang=lang), width="stretch"
        )

    st.subheader(t("compare.to_target"))
    c = st.columns(2)
    c[0].altair_chart(charts.to_target_chart(by_b, "steps_to_target", lang=lang), width="stretch")
    c[1].altair_chart(charts.to_target_chart(by_b, "seconds_to_target", lang=lang), width="stretch")
    missed = sweep.unreached(by_b)
    if missed:
        st.caption(t("compare.unreached", sizes=", ".join(f"B={b}" for b in missed)))
    st.subheader(t("compare.throughput"))
    st.altair_chart(charts.throughput_chart(by_b, lang=lang), width="stretch")

    if (table["accumulation"] > 1).any():
        st.subheader(t("compare.accumulation_table"))
        st.caption(t("compare.accumulation_note"))
        st.dataframe(
            columns(table[list(sweep.ACCUMULATION_COLUMNS)], lang),
            hide_index=True,
            width="stretch",
        )
    st.subheader(t("compare.table"))
    st.dataframe(columns(table, lang), hide_index=True, width="stretch")
    run_ids = table["run_id"].tolist()
    if active:  # exports are built once the sweep is done, not on every poll
        return
    c = st.columns(3)
    c[2].download_button(
        t("runs.export_tensorboard"),
        export.tensorboard_zip(store, run_ids),
        file_name=f"{sweep_id}_tensorboard.zip",
        mime="application/zip",
        help=t("runs.export_tensorboard.help"),
    )
    c[0].download_button(
        t("runs.export_csv"),
        report.export_csv(store, run_ids),
        file_name=f"{sweep_id}.csv",
        mime="text/csv",
    )
    c[1].download_button(
        t("runs.export_json"),
        report.export_json(store, run_ids),
        file_name=f"{sweep_id}.json",
        mime="application/json",
    )
    if running and not active:
        st.rerun()


results()
