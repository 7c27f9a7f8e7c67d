"""Runs: the persistent history. Open, overlay, delete, export."""

import functools

import pandas as pd
import streamlit as st

from app_pages import widgets
from core.api.common import exports, needs_upload, reproduction
from core.present import charts, report, runs_list
from core.present.text import columns, fix_message
from core.run import export
from core.run.store import STATUSES

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


def reproduce_download(run: dict) -> None:
    """The run's Keras script, and a zip of it with the arrays it trains on (built on click; a
    run on an uploaded CSV needs the file again, the store keeps no uploads)."""
    st.caption(t("runs.keras_script.about"))
    st.code(export.keras_script(run["config"], run["steps_done"]), language="python")
    data = functools.partial(reproduction, run)
    if needs_upload(run):
        upload = st.file_uploader(t("runs.keras_script.csv"), type=["csv"], key="runs.csv")
        if upload is None:
            st.info(t("runs.keras_script.csv_needed"))
            return
        try:  # at once, not on click: a wrong file is said here
            data = reproduction(run, upload.getvalue())
        except ValueError as exc:
            st.error(fix_message(exc, lang))
            return
    name = f"batchlab_{run['run_id']}.zip"
    st.download_button(t("runs.keras_script.download"), data, name, "application/zip")


def rename(store, run_id: str) -> None:
    """The name box's callback: store what was typed (blank: the automatic name again)."""
    try:
        store.rename_run(run_id, st.session_state[f"runs.name.{run_id}"])
    except ValueError as exc:
        st.session_state["runs.rename_error"] = fix_message(exc, lang)


def rename_group(store, group_id: str) -> None:
    """A group's name box's callback, as `rename` is for a run."""
    try:
        store.rename_group(group_id, st.session_state[f"runs.group_name.{group_id}"])
    except ValueError as exc:
        st.session_state["runs.rename_error"] = fix_message(exc, lang)


def run_list(store, total: int) -> list[dict]:
    """Search and filters, the runs in no group, then each group folded in one line (open it
    for its runs, or Compare for its curves). Returns the runs that match."""
    c = st.columns([2, 2, 1])
    search = c[0].text_input(t("runs.search"), key="runs.search", help=t("runs.search.help"))
    groups = store.groups()
    choices = {"": t("runs.group.any"), "-": t("runs.group.none")}
    choices |= {g["group_id"]: runs_list.group_title(g, lang, count=False) for g in groups}
    if st.session_state.get("runs.sweep") not in choices:  # a link's or a deleted group's id
        st.session_state["runs.sweep"] = ""
    group = c[1].selectbox(
        t("runs.group_filter"), list(choices), format_func=choices.get, key="runs.sweep"
    )
    statuses = {"any": t("runs.status.any")} | {s: t(f"status.{s}") for s in STATUSES}
    status = c[2].selectbox(
        t("runs.status_filter"), list(statuses), format_func=statuses.get, key="runs.status"
    )
    status = None if status == "any" else status
    found = store.find_runs(search, {"": None, "-": ""}.get(group, group), status)
    if not found:
        st.info(t("runs.none_match"))
        return []
    parts = runs_list.grouped(found, groups)
    st.caption(t("runs.matching", shown=f"{len(found):,}", total=f"{total:,}"))
    if parts.single:
        if parts.groups:
            st.markdown(f"**{t('runs.single')}**")
        table = report.runs_table(parts.single)
        st.dataframe(columns(table, lang), hide_index=True, width="stretch", placeholder="—")
    opened = bool(search.strip()) or bool(group and group != "-")  # what was asked for
    for g, members in parts.groups:
        with st.expander(runs_list.group_title(g, lang), expanded=opened):
            table = report.runs_table(members)
            st.dataframe(columns(table, lang), hide_index=True, width="stretch", placeholder="—")
            st.text_input(
                t("runs.group_name"),
                value=g.get("name") or "",
                placeholder=f"{g['dataset']} {g['model']}",
                key=f"runs.group_name.{g['group_id']}",
                help=t("runs.name.help"),
                on_change=rename_group,
                args=(store, g["group_id"]),
            )
            if st.button(t("runs.open_sweep"), key=f"runs.open.{g['group_id']}"):
                st.session_state["compare.shown"] = g["group_id"]
                st.session_state["compare.sweep_id"] = g["group_id"]
                st.switch_page("app_pages/compare.py")
    return found


if "runs.deleted" in st.session_state:
    st.toast(t("runs.deleted", count=st.session_state.pop("runs.deleted")))

st.caption(t("runs.store", path=store.path))
if "runs.rename_error" in st.session_state:
    st.error(st.session_state.pop("runs.rename_error"))
if not runs:
    st.info(t("runs.empty"))
    st.stop()

shown = run_list(store, len(runs))
# no status in a label: one that changes while a run trains would lose the selection
chosen_now = st.session_state.get("runs.chosen", [])
listed = shown + [r for r in runs if r["run_id"] in chosen_now and r not in shown]
labels = {r["run_id"]: report.run_choice(r) for r in listed}
# The overlaid runs come from the link (or stay from before): keep those still stored, else
# the newest. Set before the widget is drawn, so it takes no default= (a link's value would warn).
kept = [run_id for run_id in chosen_now if run_id in labels]
if listed and (kept or st.session_state.get("runs.chosen") != []):  # [] : the user emptied it
    st.session_state["runs.chosen"] = kept or [listed[0]["run_id"]]
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
    st.text_input(
        t("runs.name"),
        value=run.get("name") or "",
        placeholder=runs_list.run_name({**run, "name": None}),
        key=f"runs.name.{run['run_id']}",
        help=t("runs.name.help"),
        on_change=rename,
        args=(store, run["run_id"]),
    )
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
        reproduce_download(run)
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
