"""Schedule (landing page): N, B, E → iterations, batches and code. Never imports TensorFlow.

Widgets in, `core.api.schedule` out. The figures are sent first and the two charts last, into
slots kept at their places: the server builds no chart before everything else is out, and a
fresh browser asks for Vega's scripts after the others.
"""

from pathlib import Path

import streamlit as st

from core.api import schedule as api
from core.present.text import fix_message, translator

lang = st.session_state.get("lang", "en")
t = translator(lang)
ss = st.session_state

for key, value in api.DEFAULTS.items():
    ss.setdefault(key, value)
for field in api.LOG_FIELDS:
    ss[field.slider] = api.on_slider(field.stops, ss[field.number.key])


def mark_custom() -> None:
    """The preset box names the worked example the inputs match, or Custom."""
    ss.preset = api.matching_preset(ss)


def sync_sliders() -> None:
    """A typed number moves its slider to that number."""
    for field in api.LOG_FIELDS:
        ss[field.slider] = api.on_slider(field.stops, ss[field.number.key])
    mark_custom()


def apply_preset() -> None:
    if ss.preset in api.PRESETS:
        ss.update(api.PRESETS[ss.preset], **api.PRESET_RESETS)
        sync_sliders()


def apply_slider(key: str, slider: str) -> None:
    ss[key] = ss[slider]
    mark_custom()


def number_input(col, field: api.NumberField, on_change=None) -> None:
    col.number_input(
        t(field.label),
        min_value=field.low,
        max_value=field.high,
        step=field.step,
        key=field.key,
        help=api.field_help(field, lang),
        on_change=mark_custom if field.leaves_preset else on_change,
    )


def log_input(col, field: api.LogField) -> None:
    """A number input with a log-scale slider under it; each follows the other."""
    key = field.number.key
    number_input(col, field.number, on_change=sync_sliders)
    col.select_slider(
        t(f"{field.number.label}_log"),
        api.slider_stops(field.stops, ss[key]),
        key=field.slider,
        on_change=apply_slider,
        args=(key, field.slider),
        format_func=lambda v: f"{v:,}",
    )


ss.setdefault("preset", api.matching_preset(ss))

st.title(t("schedule.title"))
st.selectbox(
    t("schedule.preset"),
    [api.CUSTOM, *api.PRESETS],
    format_func=t,
    key="preset",
    on_change=apply_preset,
)
for col, field in zip(st.columns(3), api.LOG_FIELDS, strict=True):
    log_input(col, field)


def use_n(n: int) -> None:
    ss["n"] = n
    sync_sliders()


@st.cache_data(max_entries=8, show_spinner=False)
def data_file_counts(path: str) -> tuple[int, int]:
    """Read once per file (an upload's path names its content's hash): a zip of images is
    decoded to count it, and this page reruns on every input."""
    return api.data_file_counts(path)


# The user's own data, given on another page: its size, one click from N.
carried = ss.get(api.CARRIED_FILES)
data_file = carried["files"].data_file if carried else None
if data_file:
    name = Path(data_file).name
    try:
        trained, held = data_file_counts(data_file)
    except ValueError as exc:
        st.error(fix_message(exc, lang))
    else:
        note, use = st.columns([4, 1], vertical_alignment="center")
        note.info(t("schedule.own_data", name=name, n=f"{trained:,}", held=f"{held:,}"))
        use.button(
            t("schedule.own_data.use", n=f"{trained:,}"),
            on_click=use_n,
            args=(trained,),
            disabled=ss["n"] == trained,
            key="schedule.own_data.use",
        )
# Two rows of three: six inputs in one row clipped the shuffle choice, the steppers and the
# drop_remainder label on a laptop-width window (1100 px, with the sidebar open).
shuffle_col, split_col, drop_col = st.columns([2, 1, 1], vertical_alignment="bottom")
shuffle_col.selectbox(
    t("schedule.shuffle"),
    api.SHUFFLE_MODES,
    key="shuffle",
    format_func=lambda m: t(f"schedule.shuffle.{m}"),
    help=t("schedule.shuffle.help"),
)
split_field, *other_fields = api.NUMBER_FIELDS
number_input(split_col, split_field)
drop_col.checkbox(
    t("schedule.drop_remainder"),
    key="drop_remainder",
    help=t("schedule.drop_remainder.help"),
    on_change=mark_custom,
)
for col, field in zip(st.columns(3), other_fields, strict=True):
    number_input(col, field)
# A batch-size ramp as text (the CLI's and the link's syntax), previewed phase by phase below:
# clearer than a table editor for two or three entries, and a typo gets one sentence back.
st.text_input(
    t("ramp.input"),
    key="batch_size_schedule",
    placeholder="0:8,2:32,4:128",
    help=t("ramp.input.help"),
    on_change=mark_custom,
)

try:
    view = api.summary(ss, lang)
except ValueError as exc:
    st.error(api.error_line(exc, lang))
    st.stop()
for block in view.blocks:
    if block.figures:
        for col, figure in zip(st.columns(len(block.figures)), block.figures, strict=True):
            col.metric(figure.label, figure.value)
    elif block.kind == "info":
        st.info(block.text)
    else:
        st.markdown(block.text)
if (ramp := api.ramp_table(view.schedule, lang)) is not None:
    st.subheader(ramp.title)
    st.caption(ramp.caption)
    st.dataframe(ramp.frame, hide_index=True, width="stretch")


@st.cache_resource(max_entries=32, show_spinner=False)
def _membership(spec: api.ScheduleSpec, epoch: int, lang: str) -> api.Membership:
    return api.membership(spec, epoch, lang)


st.subheader(t("schedule.timeline"))
timeline_slot = st.empty()
st.subheader(t("schedule.membership"))
# From the link or the last rerun, within this schedule's epochs; set before the widget is
# drawn, so it takes no value= (a link's value would make Streamlit warn).
last_epoch = view.schedule.epochs - 1
st.session_state["membership_epoch"] = min(st.session_state.get("membership_epoch", 0), last_epoch)
epoch = st.number_input(
    t("schedule.membership.epoch"),
    min_value=0,
    max_value=last_epoch,
    step=1,
    key="membership_epoch",
)
membership_slot = st.container()

for table in api.tables(view.schedule, lang):
    st.subheader(table.title)
    if table.caption:
        st.caption(table.caption)
    if table.note:
        st.markdown(table.note)
    st.dataframe(table.frame, hide_index=True, width="stretch")

st.subheader(t("schedule.code"))
snippets = api.snippets(view.spec)
for tab, snippet in zip(st.tabs([s.label for s in snippets]), snippets, strict=True):
    tab.code(snippet.source, language="python")

with st.expander(t("schedule.misconceptions"), expanded=True):
    st.markdown(t("schedule.misconceptions.body"))
    st.markdown(t("schedule.misconceptions.accumulation"))

# The charts last, into their slots.
timeline_slot.altair_chart(api.timeline(view.schedule, lang), width="stretch")
membership = _membership(view.spec, int(epoch), lang)
if membership.note:
    membership_slot.info(membership.note)
else:
    if membership.caption:
        membership_slot.caption(membership.caption)
    membership_slot.altair_chart(membership.chart, width="stretch")
