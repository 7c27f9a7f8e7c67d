"""Path: SGD's path over y = 2x's loss landscape for each batch size, with a step player.

The paths come from core.study.trajectory (Keras, on the schedule's batches), cached per input;
the player is a fragment, so a frame redraws the three charts and nothing else.
"""

import math

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
FRAME_SECONDS = 0.4
FRAMES = 50  # Play crosses a whole path in about this many frames (20 s)
for key, value in DEFAULTS.items():
    ss.setdefault(key, value)
ss.setdefault("path.step", 0)
ss.setdefault("path.playing", False)
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
c = st.columns([1, 1, 2], vertical_alignment="bottom")
c[0].selectbox(
    t("path.follow"),
    spec.batch_sizes,
    key="path.follow",
    format_func=lambda b: charts_path.series(traj, traj.paths[spec.batch_sizes.index(b)], lang),
)
c[1].toggle(t("path.zoom"), key="path.zoom", help=t("path.zoom.help"))
followed = spec.batch_sizes.index(ss["path.follow"])
last = traj.paths[followed].steps
ss["path.step"] = min(ss["path.step"], last)


def play_pause() -> None:
    if not ss["path.playing"] and ss["path.step"] >= last:
        ss["path.step"] = 0
    ss["path.playing"] = not ss["path.playing"]
    ss["path._acted"] = ss["path._rerun"] = True


def step_once() -> None:
    ss["path.step"] = min(ss["path.step"] + 1, last)
    ss["path._rerun"] = ss["path.playing"]
    ss["path.playing"], ss["path._acted"] = False, True


def reset() -> None:
    ss["path.step"] = 0
    ss["path._rerun"] = ss["path.playing"]
    ss["path.playing"], ss["path._acted"] = False, True


@st.fragment(run_every=FRAME_SECONDS if ss["path.playing"] else None)
def player() -> None:
    if ss.pop("path._rerun", False):
        st.rerun()  # Play and Pause start and stop the fragment's timer: the page must rerun
    if ss["path.playing"] and not ss.pop("path._acted", False):
        ss["path.step"] = min(ss["path.step"] + math.ceil(last / FRAMES), last)
        if ss["path.step"] >= last:
            ss["path.playing"] = False
            st.rerun()
    ss.pop("path._acted", None)
    b = st.columns([1, 1, 1, 6])
    b[0].button(
        t("path.pause" if ss["path.playing"] else "path.play"),
        on_click=play_pause,
        icon=":material/pause:" if ss["path.playing"] else ":material/play_arrow:",
        width="stretch",
    )
    b[1].button(t("path.step"), on_click=step_once, icon=":material/skip_next:", width="stretch")
    b[2].button(t("path.reset"), on_click=reset, icon=":material/replay:", width="stretch")
    b[3].slider(t("path.slider"), 0, max(last, 1), key="path.step", disabled=last == 0)
    step = ss["path.step"]
    path = traj.paths[followed]
    view = tj.step_view(traj, path, step)
    seen = int(path.samples_seen()[step])
    cuts = tuple(
        step if i == followed else min(p.points_at(seen), p.steps) for i, p in enumerate(traj.paths)
    )
    if view.batch:
        st.markdown(
            t(
                "path.position",
                step=step,
                last=last,
                epoch=view.epoch + 1,
                batch=", ".join(str(i) for i in view.batch),
            )
        )
    else:
        st.markdown(t("path.position_end", step=step, last=last))
    m = st.columns(4)
    m[0].metric(t("path.metric.loss"), f"{view.loss:.4g}")
    m[1].metric(t("path.metric.weights"), f"{view.w:.3f}, {view.b:.3f}")
    m[2].metric(t("path.metric.angle"), "–" if view.angle is None else f"{view.angle:.0f}°")
    m[3].metric(t("path.metric.ratio"), "–" if view.ratio is None else f"{view.ratio:.2f}")
    left, right = st.columns([3, 2])
    left.subheader(t("path.landscape"))
    surface = tj.valley_surface(traj) if ss["path.zoom"] else traj.surface
    landscape = charts_path.landscape_chart(traj, cuts, view, lang, surface)
    left.altair_chart(landscape, width="stretch")
    right.subheader(t("path.data"))
    right.altair_chart(charts_path.data_chart(traj, view, lang), width="stretch")
    right.subheader(t("path.loss"))
    right.altair_chart(charts_path.path_loss_chart(traj, cuts, lang), width="stretch")


player()

with st.expander(t("path.note.title"), expanded=True):
    st.markdown(t("path.note", xmax=max(traj.x), lr_edge=tj.overshoot_lr(traj.x)))
