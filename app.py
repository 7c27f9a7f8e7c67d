"""Batch Lab: routing, URL state and the sidebar every page shares. No math, no data loading."""

import asyncio.base_events
import socket
from urllib.parse import urlencode

import streamlit as st

from core import urlstate
from core.present.text import message, translator


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's `_set_nodelay` without its `sock.proto == IPPROTO_TCP` test."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


# Streamlit 1.67 makes its listening socket with proto 0, so asyncio skips TCP_NODELAY on the
# connections it accepts: on a keep-alive connection every response after the first then waits
# for the browser's delayed ACK (Nagle), ~40 ms a file, and a fresh browser fetches ~140 script
# chunks over 6 connections (about 1 s before the first figure, bench/landing.py). Connections
# accepted once the app has run are set right. (A private asyncio function: where a Python lacks
# it, nothing is patched and the page is only slower.)
if hasattr(asyncio.base_events, "_set_nodelay"):
    asyncio.base_events._set_nodelay = _set_nodelay

st.set_page_config(page_title="Batch Lab", page_icon=":material/grid_view:", layout="wide")

ss = st.session_state
query = st.query_params.to_dict()
if "lang" not in ss:
    ss.lang = urlstate.lang_from(query, st.context.locale)
t = translator(ss.lang)

LANDING = "schedule"  # at "/"; every other page at its own name ("/train")
PAGES = {  # app_pages/<name>.py, its title is the text `nav.<name>`
    "schedule": ":material/calendar_month:",
    "train": ":material/model_training:",
    "compare": ":material/compare_arrows:",
    "science": ":material/science:",
    "advise": ":material/tips_and_updates:",
    "path": ":material/route:",
    "runs": ":material/history:",
}
page = st.navigation(
    [
        st.Page(
            f"app_pages/{file}.py",
            title=t(f"nav.{file}"),
            icon=icon,
            url_path=None if file == LANDING else file,
            default=file == LANDING,
        )
        for file, icon in PAGES.items()
    ]
)
name = page.url_path

# Inputs outlive page switches (Streamlit drops a widget's key once it is not drawn).
for params in urlstate.PAGE_PARAMS.values():
    for param in params:
        if param.key in ss:
            ss[param.key] = ss[param.key]

# A page's first visit in this session takes its inputs from the link.
loaded = ss.setdefault("_url_loaded", [])
notes: list[ValueError] = []
if name not in loaded:
    loaded.append(name)
    values, notes = urlstate.from_query(name, query)
    ss.update(values)

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    st.selectbox(
        t("app.language"),
        urlstate.LANGS,
        key="lang",
        format_func={"en": "English", "zh": "中文"}.get,
    )
    st.info(t("sidebar.about"))
    st.caption(t("app.copy_link"))
    link_box = st.empty()

if notes:
    ignored = "; ".join(message(n, ss.lang).rstrip(".。") for n in notes)
    st.warning(t("app.url_ignored", notes=ignored))


def write_link() -> None:
    """The copy-link box and the address bar: the page's inputs as session state has them."""
    link = urlstate.to_query(name, ss, ss.lang)
    base = (st.context.url or "").split("?")[0]
    link_box.code(f"{base}?{urlencode(link)}", language=None, wrap_lines=True)
    st.query_params.from_dict(link)


write_link()  # stands if the page stops early (st.stop drops what a script writes after it)
ss["_write_link"] = write_link  # for inputs in a fragment, whose reruns skip this script
page.run()
write_link()  # a first visit's page has just set its defaults: now the link holds every input
