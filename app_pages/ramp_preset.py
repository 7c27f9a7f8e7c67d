"""Compare's one-click preset: Smith et al. 2018, lr decay against a batch-size ramp.

Drawn by `app_pages/compare.py` in an expander under its title; widgets in, `core.api.ramps`
out. The dataset, model, N, validation split and seed are the page's own inputs above.
"""

import streamlit as st

from app_pages import widgets
from core import urlstate
from core.api import ramps as api
from core.api.sweeps import PoolBusy
from core.present.text import message

POLL_SECONDS = 1.0


def draw(lang: str, t) -> None:
    ss = st.session_state
    for key, value in api.DEFAULTS.items():
        ss.setdefault(key, value)
    store = widgets.open_store()
    handle = ss.get("compare.ramp_handle")
    running = handle is not None and handle.alive()
    shown = api.latest(store, ss.get("compare.ramp_shown"))
    with st.expander(t("ramp.compare.title"), expanded=running or shown is not None):
        st.markdown(t("ramp.compare.intro"))
        c = st.columns(6)
        widgets.number(c[0], t("ramp.compare.b0"), 1, urlstate.MAX_N, key="compare.ramp_b0")
        widgets.number(
            c[1], t("ramp.compare.factor"), 2, api.ramp.MAX_FACTOR, key="compare.ramp_factor"
        )
        c[2].text_input(t("ramp.compare.at"), key="compare.ramp_at")
        widgets.number(
            c[3], t("ramp.compare.epochs"), 1, api.ramp.MAX_EPOCHS, key="compare.ramp_epochs"
        )
        widgets.number(
            c[4], t("ramp.compare.repeats"), 1, urlstate.MAX_REPEATS, key="compare.ramp_repeats"
        )
        widgets.lr(c[5], t("train.lr"), key="compare.ramp_lr")
        try:
            plan = api.plan_ramp(api.ramp_spec(widgets.inputs("compare")), lang)
        except ValueError as exc:
            st.error(t("ramp.error", message=message(exc, lang)))
            return
        st.caption(plan.text)
        if st.button(
            t("ramp.compare.run"), type="primary", disabled=running, key="compare.ramp_run"
        ):
            try:
                started = api.start_ramp(plan, store)
            except PoolBusy as exc:
                st.warning(message(exc, lang))
                return
            ss["compare.ramp_handle"], ss["compare.ramp_shown"] = started.handle, started.sweep_id
            ss["compare.ramp_expected"], ss["compare.ramp_started"] = (
                started.expected,
                started.started,
            )
            running, shown = True, started.sweep_id
        if shown is None:
            return
        ss["compare.ramp_shown"] = shown

        @st.fragment(run_every=POLL_SECONDS if running else None)
        def result() -> None:
            h = ss.get("compare.ramp_handle")
            active = h is not None and h.alive() and shown == ss.get("compare.ramp_shown")
            store = api.RunStore()
            if active:
                done = len(store.list_runs(sweep_id=shown))
                total = ss["compare.ramp_expected"]
                st.progress(
                    min(done, total) / total, text=t("ramp.compare.running", done=done, total=total)
                )
            view = api.ramp_view(store, shown, lang)
            if view is None:
                return
            st.info(view.reading)
            c = st.columns(2)
            c[0].markdown(f"**{t('ramp.compare.loss_epochs')}**")
            c[0].altair_chart(view.epoch_chart, width="stretch")
            c[1].markdown(f"**{t('ramp.compare.loss_steps')}**")
            c[1].altair_chart(view.step_chart, width="stretch")
            st.markdown(f"**{t('ramp.compare.table')}**")
            st.dataframe(view.table, hide_index=True, width="stretch")
            if running and not active:
                st.rerun()

        result()
