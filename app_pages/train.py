"""Train: a real Keras model learns on exactly the schedule's batches, live."""

import streamlit as st

from app_pages import widgets
from core import urlstate
from core.api import training as api
from core.present import charts

POLL_SECONDS = 0.25
CHART_SECONDS = 2.0
DEFAULTS = {
    "train.dataset": "synthetic",
    "train.model": "mlp",
    "train.n": 1000,
    "train.batch_size": 100,
    "train.epochs": 10,
    "train.validation_split": 0.0,
    "train.shuffle": "epoch",
    "train.drop_remainder": False,
    "train.optimizer": "adam",
    "train.lr": 0.001,
    "train.seed": 0,
    "train.engine": "fused",
    "train.replicas": 1,
    "train.accumulation": 1,
    "train.task": "auto",
    "train.features": api.BLOBS_FEATURES,
    "train.classes": api.BLOBS_CLASSES,
    "train.noise": 0.0,
    "train.standardize": True,
    "train.batch_size_schedule": "",
}
ss = st.session_state
if "train.dataset" in ss and "train.n" not in ss:  # a link named the dataset: take its inputs
    changes = api.inputs_for_dataset(ss["train.dataset"], ss.get("train.model", "mlp"))
    for name, value in changes.items():  # (n = 0, all, for digits or a CSV), the link's first
        ss.setdefault(f"train.{name}", value)
lang, t = widgets.setup(DEFAULTS)


# shared by every session: preparing loads the data (MNIST ~200 MB); nothing mutates it
checked = st.cache_resource(max_entries=8, show_spinner=False)(api.checked_run)


def on_dataset_change() -> None:
    changes = api.inputs_for_dataset(ss["train.dataset"], ss["train.model"])
    ss.update({f"train.{name}": value for name, value in changes.items()})


st.title(t("train.title"))
api.warm_pool()  # a worker process imports TensorFlow now, so Start does not wait for it

c = st.columns(4)
widgets.dataset(c[0], api.DATASETS, key="train.dataset", on_change=on_dataset_change)
models = api.models_for(ss["train.dataset"])
if ss["train.model"] not in models:
    ss["train.model"] = models[0]
widgets.model(c[1], models, key="train.model")
widgets.number(c[2], t("train.n"), 0, None, 1, t("train.n.help"), key="train.n")
widgets.number(c[3], t("schedule.batch_size"), key="train.batch_size")
if ss["train.dataset"] == "blobs":
    c = st.columns(4)
    widgets.number(c[0], t("train.features"), 1, api.MAX_FEATURES, key="train.features")
    widgets.number(c[1], t("train.classes"), 2, api.MAX_CLASSES, key="train.classes")
elif ss["train.dataset"] == "linear":
    c = st.columns(4)
    c[0].number_input(
        t("train.noise"),
        min_value=0.0,
        step=0.5,
        format="%.3g",
        key="train.noise",
        help=t("train.noise.help"),
    )
c = st.columns([1, 1, 1.6, 1])  # the shuffle box whole at 1100 px ("epoch (shuffle=T")
widgets.number(c[0], t("schedule.epochs"), key="train.epochs")
widgets.validation_split(c[1], key="train.validation_split")
widgets.shuffle(c[2], api.SHUFFLE_MODES, key="train.shuffle")
c[3].checkbox(t("schedule.drop_remainder"), key="train.drop_remainder")
c = st.columns(4)
widgets.optimizer(c[0], api.OPTIMIZERS, key="train.optimizer")
widgets.lr(c[1], t("train.lr"), key="train.lr")
widgets.seed(c[2], key="train.seed")
c[3].selectbox(t("train.engine"), api.ENGINES, key="train.engine", help=t("train.engine.help"))
with st.expander(t("train.more")):
    c = st.columns(2)
    top, help = urlstate.MAX_TRAIN_REPLICAS, t("train.replicas.help")
    widgets.number(c[0], t("schedule.replicas"), 1, top, 1, help, key="train.replicas")
    top, help = urlstate.MAX_ACCUMULATION, t("schedule.accumulation.help")
    widgets.number(c[1], t("train.accumulation"), 1, top, 1, help, key="train.accumulation")
    st.text_input(
        t("ramp.input"),
        key="train.batch_size_schedule",
        placeholder="0:8,2:32,4:128",
        help=t("ramp.input.help"),
    )

csv_bytes = label = None
if ss["train.dataset"] == "csv":
    mb = api.CSV_MAX_BYTES // 2**20
    upload = st.file_uploader(
        t("train.csv"), type=["csv"], key="train.csv", help=t("train.csv.help", mb=mb)
    )
    if upload is None:
        st.info(t("train.csv.needed"))
        st.stop()
    csv_bytes = upload.getvalue()
    try:
        columns = api.csv_label_columns(csv_bytes)
    except ValueError as exc:
        widgets.fix(exc)
    c = st.columns(3)
    label = c[0].selectbox(t("train.label"), columns, index=len(columns) - 1, key="train.label")
    c[1].selectbox(t("train.task"), api.TASKS, key="train.task")
    c[2].checkbox(t("train.standardize"), key="train.standardize", help=t("train.standardize.help"))

files = widgets.own_files("train")
if api.epochs_over_cap(ss["train.epochs"]):
    st.error(t("train.epochs_cap", cap=f"{api.MAX_EPOCHS:,}"))
    st.stop()
try:
    config = api.with_own_files(api.run_config(widgets.inputs("train"), label), files)
    plan = api.plan_run(checked(config, csv_bytes), lang)
except ValueError as exc:
    widgets.fix(exc)
api.prime(plan.prepared)  # the spare worker compiles this model now, so Start skips the trace
for kind, line in plan.lines:
    getattr(st, kind)(line)
st.altair_chart(charts.split_chart(*plan.split, lang=lang), width="stretch")
store = widgets.open_store()


def start_run() -> bool:
    """Start this page's run; when every training slot is taken (demo mode), queue it instead."""
    try:
        started = api.start_run(store, plan.prepared, csv_bytes)
    except api.StoreError as exc:
        widgets.fail(exc)
    if started.queued:
        ss["train.queued"] = True
        return False
    ss["train.handle"], ss["train.run_id"] = started.handle, started.run_id
    ss.pop("train.queued", None)
    return True


def request_stop() -> None:
    """Stop's callback: Streamlit runs it first thing in the rerun the click asks for, before
    any drawing, so the worker gets the stop at once, and the request is kept in the session."""
    if ss.pop("train.queued", False):  # Stop cancels a queued run: redraw the whole page
        st.rerun()
    stopped = api.stop_run(store, ss.get("train.handle"))
    if stopped is not None:
        ss["train.stop_requested"] = stopped


if ss.get("train.run_id") and ss.get("train.handle") is None:  # a reload, or a second tab
    ss["train.run_id"], ss["train.handle"] = api.reattach(store, ss["train.run_id"])
    if ss["train.handle"] is not None and ss["train.handle"].stop_requested():
        ss["train.stop_requested"] = ss["train.run_id"]
handle = ss.get("train.handle")
running = api.is_running(store, handle)
queued = ss.get("train.queued", False) and not running
b = st.columns([1.4, 1.4, 3.2])  # wide enough for "Start training" at 1100 px
start = b[0].button(t("train.start"), type="primary", disabled=running or queued, key="train.start")
if start or (queued and api.has_slot()):  # a queued run starts as soon as a slot frees up
    running = start_run()
    queued = not running


# Stop is a fragment of its own: a click reruns only it (the button greys out), never the whole
# page, whose redraw would take CPU from the worker that is finishing. A click that lands while
# a live fragment refreshes waits for that refresh to end (Streamlit queues it, trigger kept) and
# is never lost. Not a keyed `st.rerun` of the live fragment from the callback: the click's rerun
# would start as a full one, the browser would drop every `run_every` timer, and a fragment rerun
# does not send them again, so the page stopped polling ("Stopping" for good) in about one run in
# three.
@st.fragment
def stop_button() -> None:
    handle = ss.get("train.handle")
    requested = handle is not None and ss.get("train.stop_requested") == handle.run_id
    st.button(
        t("train.stop"),
        disabled=not (running or queued) or (requested and not queued),
        key="train.stop",
        on_click=request_stop,
    )


with b[1]:
    stop_button()
if queued:
    st.info(t("train.queued", busy=api.busy()))

    @st.fragment(run_every=1.0)
    def wait_for_slot() -> None:
        if api.has_slot():
            st.rerun()

    wait_for_slot()
caption = api.pool_caption(not running and not ss.get("train.run_id"), lang)
if caption:
    b[2].caption(caption)


# What Start would wait for (the warm worker loading, compiling this config, or ready), looked
# at again every second while it can change and nothing trains.
@st.fragment(run_every=1.0 if not running and ss.get("train.wait_changing", True) else None)
def start_wait() -> None:
    if running:
        return
    line, changing = api.start_wait(plan.prepared, lang)
    st.caption(line)
    if changing != ss.get("train.wait_changing", True):
        ss["train.wait_changing"] = changing
        st.rerun()  # start or stop looking again


with b[2]:
    start_wait()


@st.fragment(run_every=POLL_SECONDS if running else None)
def live() -> None:
    run_id = ss.get("train.run_id")
    if not run_id:
        st.caption(t("train.idle"))
        return
    feed = ss["train.feed"] = api.step_feed(ss.get("train.feed"), run_id)
    requested = ss.get("train.stop_requested") == run_id
    view = api.live_view(store, feed, ss.get("train.handle"), requested, lang, plan.prepared)
    if view is None:
        st.warning(t("train.run_gone"))
        # Deleted while it trained: stop the worker (`running` reads the store, so it is
        # already False here), and the polling.
        api.abandon(ss.get("train.handle"))
        if running:
            st.rerun()
        return
    st.progress(view.fraction, text=view.progress)
    widgets.metric_row(view.metrics)
    for kind, line in view.lines:
        getattr(st, kind)(line)
    if not view.active and running:
        st.rerun()  # the run ended: redraw the page once, with Start enabled again


# Charts cost far more to rebuild than numbers (~100 ms of CPU on 2 cores, taken from training),
# and a session runs its fragments one at a time: with both cores busy a chart redraw held the
# session 0.2-0.6 s, so charts every second left the numbers (and Stop's rerun) waiting half the
# time. Numbers refresh 4 times a second, charts every 2 s.
@st.fragment(run_every=CHART_SECONDS if running else None)
def live_charts() -> None:
    run_id = ss.get("train.run_id")
    feed = ss.get("train.feed")
    if not run_id or feed is None or feed.run_id != run_id:
        return
    view = api.charts_view(store, feed, plan.prepared.data.class_names)
    if view is None or view.steps.empty:
        return
    st.altair_chart(charts.step_loss_chart(view.steps, lang=lang), width="stretch")
    if not view.epochs.empty:
        left, right = st.columns(2)
        left.altair_chart(charts.epoch_chart(view.epochs, "loss", lang=lang), width="stretch")
        if view.has_accuracy:
            right.altair_chart(
                charts.epoch_chart(view.epochs, "accuracy", lang=lang), width="stretch"
            )
    if view.has_composition:
        st.subheader(t("train.composition"))
        c = st.columns([1, 1, 2])
        follow = c[0].checkbox(
            t("train.composition.latest"), value=True, key="train.composition_latest"
        )
        label, top = t("train.composition.epoch"), view.max_epoch
        if follow:  # the greyed-out box names the epoch drawn, not the last one picked
            ss["train.composition_epoch"] = view.last_epoch
        chosen = widgets.number(c[1], label, 0, top, key="train.composition_epoch", disabled=follow)
        shown = view.last_epoch if follow else min(int(chosen), view.last_epoch)
        batches = api.epoch_batches(store, feed, shown)
        chart = charts.composition_chart(batches, shown, view.class_names, lang=lang)
        st.altair_chart(chart, width="stretch")


live()
live_charts()
