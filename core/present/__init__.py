"""Presentation without Streamlit: charts (Altair), texts in English and Chinese, reports."""
