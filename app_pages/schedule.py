"""Schedule (landing page): N, B, E → iterations, batches and code. Never imports TensorFlow."""

import streamlit as st

from core.present import charts
from core.present.text import columns, compact, message, translator
from core.schedule import codegen, plan
from core.schedule.plan import SHUFFLE_MODES, Schedule, ScheduleSpec

lang = st.session_state.get("lang", "en")
t = translator(lang)

PRESETS = {
    "schedule.preset.tutorial": dict(n=1000, batch_size=100, epochs=10),
    "schedule.preset.linear": dict(n=10, batch_size=3, epochs=10),
    "schedule.preset.mnist": dict(n=60000, batch_size=64, epochs=5),
    "schedule.preset.full": dict(n=1000, batch_size=1000, epochs=10),
    "schedule.preset.sgd": dict(n=100, batch_size=1, epochs=3),
}
DEFAULTS = dict(
    n=1000,
    batch_size=100,
    epochs=10,
    shuffle="epoch",
    drop_remainder=False,
    validation_split=0.0,
    seed=0,
    replicas=1,
    accumulation=1,
)
# Each input's bounds come from core.schedule.plan, which enforces them too.
BOUNDS = {
    "n": (1, plan.MAX_N),
    "batch_size": (1, plan.MAX_N),
    "epochs": (1, plan.MAX_EPOCHS),
}
# Log-scale sliders beside the number inputs: (number key, slider key, stops). Each runs from the
# input's lower bound to its upper bound.
N_STOPS = sorted(
    {m * 10**k for k in range(13) for m in (1, 2, 5) if m * 10**k <= plan.MAX_N} | {60_000}
)
B_STOPS = [2**k for k in range(plan.MAX_N.bit_length()) if 2**k < plan.MAX_N] + [plan.MAX_N]
E_STOPS = [m * 10**k for k in range(7) for m in (1, 2, 3, 5) if m * 10**k <= plan.MAX_EPOCHS]
SLIDERS = [
    ("n", "n_log", N_STOPS),
    ("batch_size", "batch_size_log", B_STOPS),
    ("epochs", "epochs_log", E_STOPS),
]


def slider_stops(stops: list[int], value: object) -> list[int]:
    """The stops plus VALUE itself, so the slider always shows the number in force (B = 100 sits
    between 64 and 128, it is not shown as 128)."""
    if isinstance(value, int) and not isinstance(value, bool) and stops[0] <= value <= stops[-1]:
        return sorted({*stops, value})
    return stops


def on_slider(stops: list[int], value: object) -> int:
    """Where the slider stands for VALUE: the value itself when it is in range, else an end."""
    if not isinstance(value, int) or isinstance(value, bool):
        return stops[0]
    return min(max(value, stops[0]), stops[-1])


for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
for key, slider, stops in SLIDERS:
    st.session_state[slider] = on_slider(stops, st.session_state[key])


def apply_preset() -> None:
    choice = st.session_state.preset
    if choice in PRESETS:
        st.session_state.update(PRESETS[choice], validation_split=0.0, drop_remainder=False)
        sync_sliders()


def sync_sliders() -> None:
    """A typed number moves its slider to that number."""
    for key, slider, stops in SLIDERS:
        st.session_state[slider] = on_slider(stops, st.session_state[key])
    mark_custom()


def apply_slider(key: str, slider: str) -> None:
    st.session_state[key] = st.session_state[slider]
    mark_custom()


def matching_preset() -> str:
    ss = st.session_state
    for key, values in PRESETS.items():
        if (
            all(ss[k] == v for k, v in values.items())
            and not ss.validation_split
            and not (ss.drop_remainder)
        ):
            return key
    return "schedule.preset.custom"


def mark_custom() -> None:
    """The preset box names the worked example the inputs match, or Custom."""
    st.session_state.preset = matching_preset()


st.session_state.setdefault("preset", matching_preset())


st.title(t("schedule.title"))

st.selectbox(
    t("schedule.preset"),
    ["schedule.preset.custom", *PRESETS],
    format_func=t,
    key="preset",
    on_change=apply_preset,
)


def log_input(col, label: str, key: str, slider: str, stops: list[int]) -> None:
    """A number input with a log-scale slider under it; each follows the other."""
    low, high = BOUNDS[key]
    col.number_input(
        t(label), min_value=low, max_value=high, step=1, key=key, on_change=sync_sliders
    )
    col.select_slider(
        t(f"{label}_log"),
        slider_stops(stops, st.session_state[key]),
        key=slider,
        on_change=apply_slider,
        args=(key, slider),
        format_func=lambda v: f"{v:,}",
    )


c1, c2, c3 = st.columns(3)
log_input(c1, "schedule.n", key="n", slider="n_log", stops=N_STOPS)
log_input(c2, "schedule.batch_size", key="batch_size", slider="batch_size_log", stops=B_STOPS)
log_input(c3, "schedule.epochs", key="epochs", slider="epochs_log", stops=E_STOPS)
c1, c2, c3, c4, c6, c5 = st.columns([2, 1, 1, 1, 1, 1])  # the shuffle labels are the longest
c1.selectbox(
    t("schedule.shuffle"),
    SHUFFLE_MODES,
    key="shuffle",
    format_func=lambda m: t(f"schedule.shuffle.{m}"),
    help=t("schedule.shuffle.help"),
)
c2.number_input(
    t("schedule.validation_split"),
    min_value=0.0,
    max_value=plan.MAX_VALIDATION_SPLIT,
    step=0.05,
    key="validation_split",
    on_change=mark_custom,
)
c3.number_input(t("schedule.seed"), min_value=0, max_value=plan.MAX_SEED, step=1, key="seed")
c4.number_input(
    t("schedule.replicas"),
    min_value=1,
    max_value=plan.MAX_REPLICAS,
    step=1,
    key="replicas",
    help=t("schedule.replicas.help"),
)
c6.number_input(
    t("schedule.accumulation"),
    min_value=1,
    max_value=plan.MAX_ACCUMULATION,
    step=1,
    key="accumulation",
    help=t("schedule.accumulation.help"),
)
c5.checkbox(
    t("schedule.drop_remainder"),
    key="drop_remainder",
    help=t("schedule.drop_remainder.help"),
    on_change=mark_custom,
)

spec = ScheduleSpec(**{k: st.session_state[k] for k in DEFAULTS})
try:
    schedule = Schedule(spec)
except ValueError as exc:
    st.error(t("schedule.error", message=message(exc, lang)))
    st.stop()


@st.cache_resource(max_entries=32, show_spinner=False)
def _membership(spec: ScheduleSpec, epoch: int, lang: str):
    return charts.membership_view(Schedule(spec), epoch, lang=lang)


s = schedule
m = st.columns(4)
m[0].metric(t("metric.steps_per_epoch"), compact(s.steps_per_epoch, lang))
m[1].metric(t("metric.total_steps"), compact(s.total_steps, lang))
m[2].metric(t("metric.last_batch"), compact(s.last_batch_size, lang))
m[3].metric(t("metric.dropped"), compact(s.dropped_samples, lang))
m = st.columns(3)
m[0].metric(t("metric.train"), compact(s.train_samples, lang))
m[1].metric(t("metric.validation"), compact(s.validation_samples, lang))
m[2].metric(t("metric.samples_seen"), compact(s.samples_seen, lang))

if spec.validation_split:
    st.markdown(
        t(
            "schedule.formula.split",
            n=f"{s.n:,}",
            split=spec.validation_split,
            train=f"{s.train_samples:,}",
            val=f"{s.validation_samples:,}",
        )
    )
formula = "schedule.formula.floor" if spec.drop_remainder else "schedule.formula.ceil"
st.markdown(
    t(
        formula,
        train=f"{s.train_samples:,}",
        batch_size=f"{s.batch_size:,}",
        steps=f"{s.steps_per_epoch:,}",
        epochs=f"{s.epochs:,}",
        total=f"{s.total_steps:,}",
        dropped=f"{s.dropped_samples:,}",
    )
)
if s.accumulation > 1:
    m = st.columns(4)
    m[0].metric(t("metric.optimizer_updates"), compact(s.optimizer_updates, lang))
    m[1].metric(t("metric.effective_batch"), compact(s.effective_batch_size, lang))
    m[2].metric(t("metric.samples_per_update"), f"{s.samples_per_update:,.4g}")
    m[3].metric(t("metric.unapplied"), compact(s.unapplied_batches, lang))
    st.markdown(
        t(
            "schedule.formula.accumulation",
            total=f"{s.total_steps:,}",
            k=s.accumulation,
            updates=f"{s.optimizer_updates:,}",
            unapplied=f"{s.unapplied_batches:,}",
            per=f"{s.per_replica_batch_size:,}",
            replicas=s.replicas,
            effective=f"{s.effective_batch_size:,}",
        )
    )
    if s.partial_batch_size:
        st.info(
            t(
                "schedule.accumulation.partial",
                partial=f"{s.partial_batch_size:,}",
                effective=f"{s.effective_batch_size:,}",
                mean=f"{s.samples_per_update:,.4g}",
            )
        )
if s.batch_size > s.train_samples:
    st.info(
        t(
            "schedule.bigger_than_train",
            batch_size=f"{s.batch_size:,}",
            train=f"{s.train_samples:,}",
        )
    )
elif s.partial_batch_size:
    key = "schedule.partial_note.one" if s.partial_batch_size == 1 else "schedule.partial_note"
    st.info(t(key, partial=f"{s.partial_batch_size:,}", batch_size=f"{s.batch_size:,}"))

st.subheader(t("schedule.timeline"))
st.altair_chart(charts.timeline_chart(s, lang=lang), width="stretch")

st.subheader(t("schedule.membership"))
epoch = st.number_input(
    t("schedule.membership.epoch"),
    min_value=0,
    max_value=s.epochs - 1,
    value=0,
    step=1,
    key="membership_epoch",
)
kind, chart = _membership(spec, int(epoch), lang)
if kind == charts.MEMBERSHIP_UNLISTED:
    st.info(
        t(
            "schedule.membership.unlisted",
            train=f"{s.train_samples:,}",
            cap=f"{plan.MAX_LISTED_SAMPLES:,}",
        )
    )
else:
    if kind == charts.MEMBERSHIP_DENSITY:
        st.caption(t("schedule.membership.aggregated"))
    st.altair_chart(chart, width="stretch")

st.subheader(t("schedule.table"))
if s.train_samples > plan.MAX_LISTED_SAMPLES:
    st.caption(t("schedule.table.positions", cap=f"{plan.MAX_LISTED_SAMPLES:,}"))
st.dataframe(columns(charts.batches_table(s), lang), hide_index=True, width="stretch")
if s.replicas > 1:
    st.subheader(t("schedule.replicas.title", replicas=s.replicas, per=s.per_replica_batch_size))
    st.markdown(
        t(
            "schedule.replicas.note",
            batch_size=s.batch_size,
            replicas=s.replicas,
            per=s.per_replica_batch_size,
        )
    )
    st.dataframe(columns(charts.replica_table(s), lang), hide_index=True, width="stretch")

st.subheader(t("schedule.code"))
tabs = st.tabs(["Keras fit", "tf.data", "PyTorch DataLoader"])
tabs[0].code(codegen.keras_fit(spec), language="python")
tabs[1].code(codegen.tf_data(spec), language="python")
tabs[2].code(codegen.pytorch(spec), language="python")

with st.expander(t("schedule.misconceptions"), expanded=True):
    st.markdown(t("schedule.misconceptions.body"))
    st.markdown(t("schedule.misconceptions.accumulation"))
