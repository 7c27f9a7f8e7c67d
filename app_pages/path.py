"""Path: SGD's path over y = 2x's loss landscape for each batch size, with a step player.

The paths come from core.study.trajectory (Keras, on the schedule's batches), cached per input.
The player runs in the browser: every frame is in one chart, a Vega slider picks the frame and
the Play / Step / Reset buttons move that slider, so a frame costs no Streamlit rerun.
"""

import streamlit as st

from core.present import charts_path
from core.present.text import message, translator
from core.study import sweep
from core.study import trajectory as tj

ss = st.session_state
lang = ss.get("lang", "en")
t = translator(lang)

DEFAULTS = {
    "path.n": 10,
    "path.batch_sizes": "1, 3, full",
    "path.epochs": 10,
    "path.lr": 0.01,
    "path.noise": 0.0,
    "path.seed": 0,
    "path.follow": 3,
}
for key, value in DEFAULTS.items():
    ss.setdefault(key, value)
ss.setdefault("path.zoom", False)

st.title(t("path.title"))
st.caption(t("path.intro"))
c = st.columns([1, 2, 1, 1, 1, 1])
c[0].number_input(t("path.n"), min_value=1, max_value=tj.MAX_N, step=1, key="path.n")
c[1].text_input(t("path.batch_sizes"), key="path.batch_sizes", help=t("path.batch_sizes.help"))
c[2].number_input(t("path.epochs"), min_value=1, max_value=tj.MAX_EPOCHS, step=1, key="path.epochs")
c[3].number_input(
    t("path.lr"),
    min_value=tj.MIN_LR,
    max_value=tj.MAX_LR,
    step=0.001,
    format="%g",
    key="path.lr",
)
c[4].number_input(
    t("path.noise"), min_value=0.0, max_value=tj.MAX_NOISE, step=0.5, key="path.noise"
)
c[5].number_input(t("path.seed"), min_value=0, step=1, key="path.seed")

try:
    spec = tj.full_batch(
        tj.PathSpec(
            n=int(ss["path.n"]),
            batch_sizes=sweep.parse_batch_sizes(ss["path.batch_sizes"]),
            epochs=int(ss["path.epochs"]),
            lr=float(ss["path.lr"]),
            noise=float(ss["path.noise"]),
            seed=int(ss["path.seed"]),
        )
    )
    tj.check_spec(spec)
except ValueError as exc:
    st.error(t("path.error", message=message(exc, lang)))
    st.stop()


@st.cache_resource(max_entries=16, show_spinner=False)
def compute(spec: tj.PathSpec) -> tj.Trajectory:
    return tj.trajectory(spec)


with st.spinner(t("path.training")):
    traj = compute(spec)

if ss["path.follow"] not in spec.batch_sizes:
    ss["path.follow"] = 3 if 3 in spec.batch_sizes else spec.batch_sizes[0]
steps = sum(p.steps for p in traj.paths)
st.caption(t("path.trained", steps=steps, seconds=traj.seconds))
for p in traj.paths:
    if p.diverged_step is not None:
        st.warning(
            t(
                "path.diverged",
                series=charts_path.series(traj, p, lang),
                step=p.diverged_step,
                lr=f"{spec.lr:g}",
            )
        )
c = st.columns([1, 1.4, 1.6], vertical_alignment="bottom")  # the toggle label is long
c[0].selectbox(
    t("path.follow"),
    spec.batch_sizes,
    key="path.follow",
    format_func=lambda b: charts_path.series(traj, traj.paths[spec.batch_sizes.index(b)], lang),
)
c[1].toggle(t("path.zoom"), key="path.zoom", help=t("path.zoom.help"))


@st.cache_resource(max_entries=32, show_spinner=False)
def player(spec: tj.PathSpec, follow: int, zoom: bool, lang: str):
    """The player's chart: every frame of the followed path, built once per view of the page."""
    surface = tj.valley_surface(traj) if zoom else traj.surface
    return charts_path.player_chart(traj, spec.batch_sizes.index(follow), lang, surface)


st.altair_chart(player(spec, ss["path.follow"], ss["path.zoom"], lang), width="content")
st.html(charts_path.player_controls(lang), unsafe_allow_javascript=True)  # under its slider

with st.expander(t("path.note.title"), expanded=True):
    st.markdown(t("path.note", xmax=max(traj.x), lr_edge=tj.overshoot_lr(traj.x)))
