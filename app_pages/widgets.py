"""The Streamlit pieces that several pages draw the same way (not a page: app.py never routes here).

- `setup`: a page's session defaults, its language and translator.
- The training inputs (dataset, model, numbers, validation split, optimizer, learning rate, seed,
  target): one call a widget, the key passed in full so each page's keys stay in its own source.
- `fix`: the error box for an input to change (InputError); `fail`: for one no input caused.
- `open_store`: the run store, or its error shown; `export_buttons`: stored runs as files.
- `own_files`: the user's own .keras model and data file, uploaded into the session's folder.
"""

import shutil
import tempfile
import weakref
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import streamlit as st

from core import urlstate
from core.api import common
from core.api.common import Exports, OwnFiles, RunStore, StoreError
from core.api.schedule import CARRIED_FILES
from core.present.text import fix_message, message, translator


def lang() -> str:
    return st.session_state.get("lang", "en")


def t(key: str, **fields: object) -> str:
    """A text in the session's language (it can change between reruns)."""
    return translator(lang())(key, **fields)


def setup(defaults: dict[str, object]) -> tuple[str, Callable[..., str]]:
    """Put the page's DEFAULTS in the session (values a link set stay); return (lang, t)."""
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    return lang(), translator(lang())


def keep_link() -> None:
    """Bring the sidebar's link and the address bar in step with the inputs: for widgets in a
    fragment, whose reruns skip app.py (which writes both after every full run)."""
    write_link = st.session_state.get("_write_link")
    if write_link is not None:
        write_link()


def inputs(page: str) -> dict[str, object]:
    """The session's values under "PAGE.", by name: {"dataset": ..., "lr": ...}."""
    head = page + "."
    return {k.removeprefix(head): v for k, v in st.session_state.items() if k.startswith(head)}


# -- the training inputs ----------------------------------------------------------------------
def dataset(col, options: Sequence[str], key: str, on_change: Callable | None = None) -> None:
    col.selectbox(t("train.dataset"), options, key=key, on_change=on_change)


def model(col, options: Sequence[str], key: str) -> None:
    name = translator(lang())  # bound now: Streamlit may call format_func outside this run
    col.selectbox(
        t("train.model"),
        options,
        key=key,
        format_func=lambda m: name(f"model.{m}"),  # with its layers: "mlp 128-64-out"
        help=t("model.help"),
    )


def optimizer(col, options: Sequence[str], key: str) -> None:
    col.selectbox(t("train.optimizer"), options, key=key)


def lr(col, label: str, key: str) -> None:
    col.number_input(label, format="%.5g", step=0.0005, key=key)


def number(
    col,
    label: str,
    bottom: float | None = None,
    top: float | None = None,
    step: float = 1,
    help: str | None = None,
    *,
    key: str,
    disabled: bool = False,
) -> float:
    """A number in [BOTTOM, TOP] (open where None); a whole number with the default STEP."""
    return col.number_input(
        label, min_value=bottom, max_value=top, step=step, key=key, help=help, disabled=disabled
    )


def seed(col, key: str) -> None:
    number(col, t("schedule.seed"), 0, key=key)


def shuffle(col, options: Sequence[str], key: str) -> None:
    name = translator(lang())  # bound now: Streamlit may call format_func outside this run
    col.selectbox(
        t("schedule.shuffle"), options, format_func=lambda m: name(f"schedule.shuffle.{m}"), key=key
    )


def validation_split(col, key: str) -> None:
    col.number_input(
        t("schedule.validation_split"),
        min_value=0.0,
        max_value=urlstate.MAX_VALIDATION_SPLIT,
        step=0.05,
        key=key,
    )


def target_metric(col, options: Sequence[str], key: str) -> str:
    name = translator(lang())  # bound now: Streamlit may call format_func outside this run
    return col.selectbox(
        t("compare.target_metric"), options, format_func=lambda m: name(f"target.{m}"), key=key
    )


def target(col, key: str) -> float:
    return col.number_input(t("compare.target"), format="%.4g", step=0.05, key=key)


# -- errors, the store, exports ---------------------------------------------------------------
def fix(exc: Exception, stop: bool = True) -> None:
    """Say which input to change ("Fix this input: …"); STOP: draw nothing after it."""
    st.error(fix_message(exc, lang()))
    if stop:
        st.stop()


def fail(exc: Exception, stop: bool = True) -> None:
    """An error that no input caused (a store that cannot open): its words, as they are."""
    st.error(message(exc, lang()))
    if stop:
        st.stop()


def open_store(stop: bool = True) -> RunStore | None:
    """The run store; if it cannot open, its error (and, with STOP, nothing after it)."""
    try:
        return RunStore()
    except StoreError as exc:
        fail(exc, stop)
        return None


def metric_row(items: Sequence[tuple[str, str, str | None]]) -> None:
    """Metrics (label, value, help) side by side, each as wide as its figure, wrapping onto a
    second line in a narrow window: in equal columns a laptop-width window cut "completed" to
    "comple…" and "1,025 / 1,025" to "1,025 / …"."""
    row = st.container(horizontal=True, gap="large")
    for label, value, help in items:
        row.metric(label, value, help=help, width="content")


def export_buttons(row, files: Exports, csv: str, json: str, tensorboard: str) -> None:
    """Download buttons for FILES in ROW (a horizontal container: each button as wide as its
    label), CSV, JSON and TensorBoard, under the file names given."""
    row.download_button(t("runs.export_csv"), files.csv, file_name=csv, mime="text/csv")
    row.download_button(t("runs.export_json"), files.json, file_name=json, mime="application/json")
    row.download_button(
        t("runs.export_tensorboard"),
        files.tensorboard,
        file_name=tensorboard,
        mime="application/zip",
        help=t("runs.export_tensorboard.help"),
    )


# -- the user's own model and data ------------------------------------------------------------
class _UploadFolder:
    """This session's temporary folder for uploads, removed with the session (when Streamlit
    drops the session's state, the object goes and its finaliser deletes the folder)."""

    def __init__(self) -> None:
        self.path = tempfile.mkdtemp(prefix="batchlab-uploads-")
        weakref.finalize(self, shutil.rmtree, self.path, True)


def _upload_folder() -> str:
    if "uploads.folder" not in st.session_state:
        st.session_state["uploads.folder"] = _UploadFolder()
    return st.session_state["uploads.folder"].path


# the files last given on any page: {"files": OwnFiles, "page": …} (the Schedule page reads
# their data's size under the same key)
CARRIED = CARRIED_FILES


def own_files(page: str) -> OwnFiles | None:
    """The expander where a user uploads their own .keras model and .npz / image-zip data; a
    model's summary and loss are shown once it passes the checks. Files given on one page are
    carried to the others (until removed where they were given, or let go here). None: no
    file given."""
    model_key, data_key = f"{page}.model_upload", f"{page}.data_upload"
    carried = st.session_state.get(CARRIED)
    here = bool(st.session_state.get(model_key) or st.session_state.get(data_key))
    with st.expander(t("files.title"), expanded=here or carried is not None):
        st.caption(t("files.intro"))
        c = st.columns(2)
        model_up = c[0].file_uploader(
            t("files.model"), type=["keras"], key=model_key, help=t("files.model.help")
        )
        data_up = c[1].file_uploader(
            t("files.data"), type=["npz", "zip"], key=data_key, help=t("files.data.help")
        )
        if model_up is None and data_up is None:
            if carried is None or carried["page"] == page:  # none, or removed where given
                st.session_state.pop(CARRIED, None)
                return None
            return _carried(page, carried["files"])
        folder = _upload_folder()
        try:
            model_path = data_path = None
            if model_up is not None:
                model_path = common.save_upload(folder, model_up.name, model_up.getvalue())
            if data_up is not None:
                data_path = common.save_upload(folder, data_up.name, data_up.getvalue())
            spec = common.inspect_model(model_path) if model_path else None
        except ValueError as exc:
            fix(exc)
        loss = _model_summary(page, spec) if spec is not None else "auto"
        if data_up is not None:
            st.caption(t("files.data_used", name=data_up.name))
    files = OwnFiles(model_path, data_path, loss)
    st.session_state[CARRIED] = {"files": files, "page": page}
    return files


def _carried(page: str, files: OwnFiles) -> OwnFiles | None:
    """The files given on another page, said and summarised, with a button to let them go."""
    names = [Path(p).name for p in (files.model_file, files.data_file) if p]
    st.info(t("files.carried", names=", ".join(names)))
    if st.button(t("files.forget"), key=f"{page}.files_forget"):
        st.session_state.pop(CARRIED, None)
        st.rerun()
    loss = "auto"
    if files.model_file:
        try:
            loss = _model_summary(page, common.inspect_model(files.model_file))
        except ValueError as exc:
            fix(exc)
    if files.data_file:
        st.caption(t("files.data_used", name=Path(files.data_file).name))
    return replace(files, loss=loss)


def _model_summary(page: str, spec) -> str:
    """The model's summary and layers; returns the loss chosen for it."""
    st.markdown(
        t(
            "files.model_summary",
            name=spec.file_name,
            params=f"{spec.parameters:,}",
            shape=", ".join("any" if v is None else str(v) for v in spec.input_shape),
            units=spec.output_units,
            activation=spec.output_activation,
            hash=spec.short_hash,
        )
    )
    layers = common.model_layers(spec)
    st.dataframe(layers.rename(columns=lambda c: t(f"files.col.{c}")), hide_index=True)
    return st.selectbox(
        t("files.loss"), common.LOSSES, key=f"{page}.loss", help=t("files.loss.help")
    )
