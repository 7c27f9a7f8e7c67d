"""Train: a real Keras model learns on exactly the schedule's batches, live."""

import math

import streamlit as st

from core import demo, urlstate
from core.present import charts, report
from core.present.text import fix_message, message, translator
from core.run.recording import create_run
from core.run.runner import PoolBusy, shared_pool
from core.run.store import ACTIVE, RunStore, StoreError
from core.schedule.plan import SHUFFLE_MODES
from core.train.datasets import (
    BLOBS_CLASSES,
    BLOBS_FEATURES,
    CSV_MAX_BYTES,
    DATASETS,
    MAX_CLASSES,
    MAX_FEATURES,
    TASKS,
    csv_columns,
)
from core.train.engine import ENGINES, MAX_EPOCHS, TrainConfig, prepare
from core.train.models import MODELS, OPTIMIZERS

lang = st.session_state.get("lang", "en")
t = translator(lang)

POLL_SECONDS = 0.25
MODELS_FOR = {"linear": ("linear",)}  # regression; the other named datasets classify
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
    "train.features": BLOBS_FEATURES,
    "train.classes": BLOBS_CLASSES,
    "train.noise": 0.0,
}
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)


@st.cache_resource(max_entries=8, show_spinner=False)
def prepared_for(config: TrainConfig, csv_bytes: bytes | None):
    return prepare(config, csv_bytes)


def on_dataset_change() -> None:
    ds = st.session_state["train.dataset"]
    if ds == "linear":
        st.session_state.update(
            {
                "train.model": "linear",
                "train.n": 10,
                "train.batch_size": 3,
                "train.optimizer": "sgd",
                "train.lr": 0.001,
            }
        )
    elif st.session_state["train.model"] == "linear":
        st.session_state["train.model"] = "mlp"
    if ds in ("digits", "mnist", "csv"):
        st.session_state["train.n"] = 0


st.title(t("train.title"))
pool = shared_pool()
pool.warm()  # a worker process imports TensorFlow now, so Start does not wait for it

ss = st.session_state
c = st.columns(4)
c[0].selectbox(t("train.dataset"), DATASETS, key="train.dataset", on_change=on_dataset_change)
# The models that can train on this data: a link may name a dataset and no model.
models = (
    MODELS if ss["train.dataset"] == "csv" else MODELS_FOR.get(ss["train.dataset"], ("mlp", "cnn"))
)
if ss["train.model"] not in models:
    ss["train.model"] = models[0]
c[1].selectbox(t("train.model"), models, key="train.model")
c[2].number_input(t("train.n"), min_value=0, step=1, key="train.n", help=t("train.n.help"))
c[3].number_input(t("schedule.batch_size"), step=1, key="train.batch_size")
if st.session_state["train.dataset"] == "blobs":
    c = st.columns(4)
    c[0].number_input(
        t("train.features"), min_value=1, max_value=MAX_FEATURES, step=1, key="train.features"
    )
    c[1].number_input(
        t("train.classes"), min_value=2, max_value=MAX_CLASSES, step=1, key="train.classes"
    )
elif st.session_state["train.dataset"] == "linear":
    c = st.columns(4)
    c[0].number_input(
        t("train.noise"),
        min_value=0.0,
        step=0.5,
        format="%.3g",
        key="train.noise",
        help=t("train.noise.help"),
    )
c = st.columns(4)
c[0].number_input(t("schedule.epochs"), step=1, key="train.epochs")
c[1].number_input(
    t("schedule.validation_split"),
    min_value=0.0,
    max_value=urlstate.MAX_VALIDATION_SPLIT,
    step=0.05,
    key="train.validation_split",
)
c[2].selectbox(
    t("schedule.shuffle"),
    SHUFFLE_MODES,
    format_func=lambda m: t(f"schedule.shuffle.{m}"),
    key="train.shuffle",
)
c[3].checkbox(t("schedule.drop_remainder"), key="train.drop_remainder")
c = st.columns(4)
c[0].selectbox(t("train.optimizer"), OPTIMIZERS, key="train.optimizer")
c[1].number_input(t("train.lr"), format="%.5g", step=0.0005, key="train.lr")
c[2].number_input(t("schedule.seed"), min_value=0, step=1, key="train.seed")
c[3].selectbox(t("train.engine"), ENGINES, key="train.engine", help=t("train.engine.help"))
with st.expander(t("train.more")):
    c = st.columns(2)
    c[0].number_input(
        t("schedule.replicas"),
        min_value=1,
        max_value=urlstate.MAX_TRAIN_REPLICAS,
        step=1,
        key="train.replicas",
        help=t("train.replicas.help"),
    )
    c[1].number_input(
        t("train.accumulation"),
        min_value=1,
        max_value=urlstate.MAX_ACCUMULATION,
        step=1,
        key="train.accumulation",
        help=t("schedule.accumulation.help"),
    )

csv_bytes = None
label = None
if ss["train.dataset"] == "csv":
    upload = st.file_uploader(
        t("train.csv"),
        type=["csv"],
        key="train.csv",
        help=t("train.csv.help", mb=CSV_MAX_BYTES // 2**20),
    )
    if upload is not None:
        csv_bytes = upload.getvalue()
        try:
            if demo.enabled():
                demo.check_upload(len(csv_bytes))
            columns = csv_columns(csv_bytes)
        except ValueError as exc:
            st.error(t("train.fix", message=message(exc, lang)))
            st.stop()
        c = st.columns(2)
        label = c[0].selectbox(t("train.label"), columns, index=len(columns) - 1, key="train.label")
        c[1].selectbox(t("train.task"), TASKS, key="train.task")
    else:
        st.info(t("train.csv.needed"))
        st.stop()

epochs = ss["train.epochs"]
if isinstance(epochs, int) and epochs > MAX_EPOCHS:
    st.error(t("train.epochs_cap", cap=f"{MAX_EPOCHS:,}"))
    st.stop()

config = TrainConfig(
    dataset=ss["train.dataset"],
    model=ss["train.model"],
    n=ss["train.n"] or None,
    batch_size=ss["train.batch_size"],
    epochs=epochs,
    validation_split=ss["train.validation_split"],
    shuffle=ss["train.shuffle"],
    drop_remainder=ss["train.drop_remainder"],
    optimizer=ss["train.optimizer"],
    lr=ss["train.lr"],
    seed=ss["train.seed"],
    engine=ss["train.engine"],
    replicas=int(ss["train.replicas"]),
    accumulation=int(ss["train.accumulation"]),
    label=label,
    task=ss["train.task"],
    features=int(ss["train.features"]),
    classes=int(ss["train.classes"]),
    noise=float(ss["train.noise"]),
)
try:
    prepared = prepared_for(config, csv_bytes)
    if demo.enabled():
        demo.check_train(prepared)
except ValueError as exc:
    st.error(fix_message(exc, lang))
    st.stop()
# The spare worker compiles this model now, so Start skips the trace.
pool.prime(config, prepared.data.x.nbytes + prepared.data.y.nbytes)

s = prepared.schedule
data = prepared.data
st.markdown(
    t(
        "train.iterations",
        spe=s.steps_per_epoch,
        epochs=s.epochs,
        total=f"{s.total_steps:,}",
        train=s.train_samples,
        batch_size=s.batch_size,
    )
)
if s.accumulation > 1:
    st.markdown(
        t(
            "train.updates",
            updates=f"{s.optimizer_updates:,}",
            k=s.accumulation,
            effective=f"{s.effective_batch_size:,}",
            unapplied=s.unapplied_batches,
        )
    )
if s.batch_size > s.train_samples:
    st.info(t("schedule.bigger_than_train", batch_size=s.batch_size, train=s.train_samples))
if data.notes:  # what loading did to the data, one line each: classes, columns, rows
    st.info("\n".join(f"- {message(n, lang)}" for n in data.notes))
st.altair_chart(
    charts.split_chart(s.train_samples, s.validation_samples, len(data.x_test), lang=lang),
    width="stretch",
)

try:
    store = RunStore()
except StoreError as exc:
    st.error(message(exc, lang))
    st.stop()


def start_run() -> bool:
    """Start this page's run; when every training slot is taken (demo mode), queue it instead."""
    if not pool.has_slot():
        ss["train.queued"] = True
        return False
    try:
        run_id = create_run(store, prepared)
    except StoreError as exc:
        st.error(message(exc, lang))
        st.stop()
    try:
        ss["train.handle"] = pool.submit(prepared, str(store.path), run_id, csv_bytes)
    except PoolBusy:  # another session took the slot in between
        store.delete_run(run_id)
        ss["train.queued"] = True
        return False
    ss["train.run_id"] = run_id
    ss.pop("train.queued", None)
    return True


def request_stop() -> None:
    """Stop's callback: Streamlit runs it first thing in the rerun the click asks for, before
    any drawing, so the worker gets the stop at once, and the request is kept in the session."""
    if ss.pop("train.queued", False):  # Stop cancels a queued run: redraw the whole page
        st.rerun()
    handle = ss.get("train.handle")
    if is_running(handle):
        handle.stop()
        ss["train.stop_requested"] = handle.run_id


def is_running(handle) -> bool:
    """Whether this session's run is going: once the worker has written its final status the
    page stops polling, without waiting for the process to exit (a few more full reruns, each
    redrawing every chart, used to follow every run's end)."""
    if handle is None or not handle.alive():
        return False
    run = store.get_run(handle.run_id)
    return run is not None and run["status"] in ACTIVE


handle = ss.get("train.handle")
running = is_running(handle)
queued = ss.get("train.queued", False) and not running
b = st.columns([1, 1, 4])
start = b[0].button(t("train.start"), type="primary", disabled=running or queued, key="train.start")
if start or (queued and pool.has_slot()):  # a queued run starts as soon as a slot frees up
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
    st.info(t("train.queued", busy=pool.busy()))

    @st.fragment(run_every=1.0)
    def wait_for_slot() -> None:
        if pool.has_slot():
            st.rerun()

    wait_for_slot()
if not pool.is_warm() and not running and not ss.get("train.run_id"):
    b[2].caption(t("train.loading_tf"))
elif pool.devices:
    seen = pool.devices["devices"]
    b[2].caption(
        t(
            "train.devices",
            devices=" · ".join(report.device_text(d, lang) for d in seen),
            gpus=sum(d["kind"] != "CPU" for d in seen),
            trains_on=report.device_label(pool.devices["trains_on"]),
        )
    )


@st.fragment(run_every=POLL_SECONDS if running else None)
def live() -> None:
    run_id = ss.get("train.run_id")
    if not run_id:
        st.caption(t("train.idle"))
        return
    run = store.get_run(run_id)
    if run is None:
        st.warning(t("train.run_gone"))
        return
    feed = ss.get("train.feed")
    if feed is None or feed.run_id != run_id:
        feed = ss["train.feed"] = report.StepFeed(run_id)
    steps = feed.update(store)
    prog = report.progress(run, steps)
    handle = ss.get("train.handle")
    active = run["status"] in ACTIVE and handle is not None and handle.alive()
    label_text = t(
        "train.progress",
        done=f"{prog.steps_done:,}",
        total=f"{prog.total_steps:,}",
        epoch=prog.epoch,
        last=int(run["epochs"]) - 1,
    )
    st.progress(prog.fraction, text=label_text)
    m = st.columns(5)
    m[0].metric(t("train.status"), t(f"status.{run['status']}"))
    m[1].metric(t("train.steps_per_second"), f"{prog.steps_per_second:,.0f}")
    m[2].metric(t("train.samples_per_second"), f"{prog.samples_per_second:,.0f}")
    eta = "—" if prog.eta_seconds is None or not active else f"{math.ceil(prog.eta_seconds)} s"
    m[3].metric(t("train.eta"), eta)
    device = run.get("device") or "…"
    m[4].metric(t("train.device"), report.device_label(device), help=device)
    replicas = int(run["config"].get("replicas") or 1)
    if replicas > 1:
        st.caption(
            t(
                "train.per_replica",
                replicas=replicas,
                per=run["batch_size"] // replicas,
                rate=f"{prog.samples_per_second / replicas:,.0f}",
            )
        )
    if run["status"] == "starting":
        st.caption(t("train.loading_tf"))
    if run["status"] == "diverged":
        st.warning(t("train.diverged", message=report.run_message(run, lang)))
    elif run["status"] == "failed":
        st.error(t("train.failed", message=report.run_message(run, lang)))
    elif run["status"] == "stopped":
        st.info(t("train.stopped", steps=f"{prog.steps_done:,}"))
    elif active and ss.get("train.stop_requested") == run_id:
        st.caption(t("train.stopping"))
    elif run.get("message"):
        st.caption(report.run_message(run, lang))
    test = run.get("test_metrics") or {}
    if test:
        parts = [f"{t('chart.metric.loss')} {test['loss']:.4f}"]
        if "accuracy" in test:
            parts.append(f"{t('chart.metric.accuracy')} {test['accuracy']:.3f}")
        st.success(t("train.test", metrics=", ".join(parts)))
    timing = run.get("summary") or {}
    if timing.get("first_epoch_seconds") is not None and timing.get("steps_per_second"):
        st.caption(
            t(
                "train.timing.reused" if timing.get("compile_reused") else "train.timing.compiled",
                first=f"{timing['first_epoch_seconds']:.2f}",
                rate=f"{timing['steps_per_second']:,.0f}",
            )
        )
    if not active and running:
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
    run = store.get_run(run_id)
    if run is None:
        return
    steps = feed.frame
    epochs = report.epochs_frame(store, run_id)
    if not steps.empty:
        st.altair_chart(charts.step_loss_chart(steps, lang=lang), width="stretch")
        if not epochs.empty:
            left, right = st.columns(2)
            left.altair_chart(charts.epoch_chart(epochs, "loss", lang=lang), width="stretch")
            if epochs["train_accuracy"].notna().any():
                right.altair_chart(
                    charts.epoch_chart(epochs, "accuracy", lang=lang), width="stretch"
                )
        if steps["class_counts"].notna().any():
            st.subheader(t("train.composition"))
            last_epoch = int(steps["epoch"].max())
            c = st.columns([1, 1, 2])
            follow = c[0].checkbox(
                t("train.composition.latest"), value=True, key="train.composition_latest"
            )
            chosen = c[1].number_input(
                t("train.composition.epoch"),
                min_value=0,
                max_value=max(int(run["epochs"]) - 1, 0),
                step=1,
                key="train.composition_epoch",
                disabled=follow,
            )
            shown = last_epoch if follow else min(int(chosen), last_epoch)
            names = (run.get("config") or {}).get("class_names") or data.class_names
            st.altair_chart(
                charts.composition_chart(steps, shown, names, lang=lang), width="stretch"
            )


live()
live_charts()
