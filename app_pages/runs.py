"""Runs: the persistent history. Open, overlay, delete, export."""

import pandas as pd
import streamlit as st

from app_pages import widgets
from core.api.common import exports
from core.present import charts, report
from core.present.text import columns
from core.run import export

lang, t = widgets.setup({})

st.title(t("runs.title"))
store = widgets.open_store()
runs = store.list_runs()


def delete_chosen(store, run_ids: list[str]) -> None:
    """Delete, then choose the newest run left and close the popover, before the page reruns.

    Set in a callback, the selection reaches the multiselect's chip too: popping its key instead
    left the browser showing the deleted run while the page drew another one.
    """
    for run_id in run_ids:
        store.delete_run(run_id)
    left = store.list_runs(limit=1)
    st.session_state["runs.chosen"] = [left[0]["run_id"]] if left else []
    st.session_state["runs.delete_open"] = False
    st.session_state["runs.deleted"] = len(run_ids)


if "runs.deleted" in st.session_state:
    st.toast(t("runs.deleted", count=st.session_state.pop("runs.deleted")))

st.caption(t("runs.store", path=store.path))
if not runs:
    st.info(t("runs.empty"))
    st.stop()

table = report.runs_table(runs)
st.dataframe(columns(table, lang), hide_index=True, width="stretch", placeholder="—")

sweeps = store.sweeps()
if sweeps:
    c = st.columns([3, 1])
    names = {s["sweep_id"]: report.sweep_label(s) for s in sweeps}
    picked = c[0].selectbox(t("runs.sweeps"), list(names), format_func=names.get, key="runs.sweep")
    if c[1].button(t("runs.open_sweep"), key="runs.open_sweep"):
        st.session_state["compare.shown"] = picked
        st.session_state["compare.sweep_id"] = picked
        st.switch_page("app_pages/compare.py")

# no status in a label: one that changes while a run trains would lose the selection
labels = {r["run_id"]: report.run_choice(r) for r in runs}
# The overlaid runs come from the link (or stay from before): keep those still stored, else
# the newest. Set before the widget is drawn, so it takes no default= (a link's value would warn).
kept = [run_id for run_id in st.session_state.get("runs.chosen", []) if run_id in labels]
if kept or st.session_state.get("runs.chosen") != []:  # [] : the user emptied the box
    st.session_state["runs.chosen"] = kept or [runs[0]["run_id"]]
chosen = st.multiselect(t("runs.select"), list(labels), format_func=labels.get, key="runs.chosen")
if not chosen:
    st.stop()

frames, epoch_frames = [], []
for run_id in chosen:
    steps = report.steps_frame(store, run_id)
    steps["run"] = labels[run_id].split(" · ")[0] + f" B={store.get_run(run_id)['batch_size']}"
    frames.append(steps)
    ep = report.epochs_frame(store, run_id)
    ep["run"] = steps["run"].iloc[0] if len(steps) else run_id
    epoch_frames.append(ep)
steps = pd.concat(frames, ignore_index=True)
epochs = pd.concat(epoch_frames, ignore_index=True)

if len(chosen) == 1:
    run = store.get_run(chosen[0])
    test = run.get("test_metrics") or {}
    widgets.metric_row(
        [
            (t("train.status"), t(f"status.{run['status']}"), None),
            (t("runs.steps"), f"{run['steps_done']:,} / {run['total_steps']:,}", None),
            (t("runs.test_loss"), f"{test['loss']:.4f}" if "loss" in test else "—", None),
            (
                t("runs.test_accuracy"),
                f"{test['accuracy']:.3f}" if "accuracy" in test else "—",
                None,
            ),
        ]
    )
    if run.get("message"):
        st.caption(report.run_message(run, lang))
    if not steps.empty:
        left, right = st.columns(2)
        left.altair_chart(charts.step_loss_chart(steps, lang=lang), width="stretch")
        if not epochs.empty:
            right.altair_chart(charts.epoch_chart(epochs, "loss", lang=lang), width="stretch")
        if steps["class_counts"].notna().any():
            st.subheader(t("train.composition"))
            e = st.number_input(
                t("train.composition.epoch"),
                min_value=0,
                max_value=int(steps["epoch"].max()),
                step=1,
                key="runs.epoch",
            )
            st.altair_chart(charts.composition_chart(steps, int(e), lang=lang), width="stretch")
    st.subheader(t("runs.cli"))
    st.code(report.cli_command(run["config"]), language="bash", wrap_lines=True)
    with st.expander(t("runs.keras_script")):
        script = export.keras_script(run["config"])
        st.code(script, language="python")
        st.download_button(
            t("runs.keras_script.download"),
            script,
            file_name=f"batchlab_{run['run_id']}.py",
            mime="text/x-python",
        )
elif not steps.empty:
    x = st.radio(
        t("compare.x"),
        ["step", "samples_seen", "seconds"],
        horizontal=True,
        key="runs.x",
        format_func=lambda c: t(f"chart.axis.{c}"),
    )
    st.altair_chart(charts.step_loss_chart(steps, color="run", x=x, lang=lang), width="stretch")
    if not epochs.empty:
        st.altair_chart(charts.epoch_chart(epochs, "loss", color="run", lang=lang), width="stretch")

row = st.container(horizontal=True)  # buttons as wide as their labels, wrapping if need be
names = ("batchlab_runs.csv", "batchlab_runs.json", "batchlab_tensorboard.zip")
widgets.export_buttons(row, exports(store, chosen), *names)

# on_change="rerun" makes the popover's open state a session value the callback can close.
with row.popover(t("runs.delete"), key="runs.delete_open", on_change="rerun"):
    st.warning(t("runs.delete.confirm", count=len(chosen)))
    st.button(
        t("runs.delete.yes"),
        key="runs.delete",
        type="primary",
        on_click=delete_chosen,
        args=(store, list(chosen)),
    )
