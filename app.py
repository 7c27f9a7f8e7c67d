"""Batch Lab: routing and the sidebar every page shares. No math, no data loading here."""

import streamlit as st

from core.text import t

st.set_page_config(page_title=t("app.title"), page_icon=":material/grid_view:", layout="wide")

PAGES = [
    st.Page(
        "pages/schedule.py", title=t("nav.schedule"), icon=":material/calendar_month:", default=True
    ),
    st.Page(
        "pages/train.py", title=t("nav.train"), icon=":material/model_training:", url_path="train"
    ),
    st.Page(
        "pages/compare.py",
        title=t("nav.compare"),
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "pages/science.py", title=t("nav.science"), icon=":material/science:", url_path="science"
    ),
    st.Page("pages/runs.py", title=t("nav.runs"), icon=":material/history:", url_path="runs"),
]

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    st.info(t("sidebar.about"))

st.navigation(PAGES).run()
