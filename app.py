"""Batch Lab: routing and the sidebar every page shares. No math, no data loading here."""

import streamlit as st

from core.text import t

st.set_page_config(page_title=t("app.title"), page_icon="🧮", layout="wide")

PAGES = [
    st.Page("pages/schedule.py", title=t("nav.schedule"), icon="🗓️", default=True),
    st.Page("pages/train.py", title=t("nav.train"), icon="🏋️", url_path="train"),
    st.Page("pages/runs.py", title=t("nav.runs"), icon="🗂️", url_path="runs"),
]

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    st.info(t("sidebar.about"))

st.navigation(PAGES).run()
