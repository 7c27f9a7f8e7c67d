"""What the pages call: one module per page, one function per thing the page does.

Pages read widgets, call one function here, and draw the records that come back; they never
wire datasets, engine, worker pool, run store and studies by hand.

- `common`: what every training page needs (the demo's caps on a run, the warm worker pool, the
  exports of stored runs).
- `training`: the Train page (which inputs go together, check a run, start or queue it, stop it,
  its live numbers and charts).
- `sweeps`: the Compare page (plan a sweep, start it, which sweep is shown, its progress, its
  charts and tables).
- `science`: the Science page (noise scale, critical batch, throughput).
- `schedule`: the Schedule page (inputs and presets, figures, charts, tables and code).

A page imports its own module (`from core.api import science as api`); the names a page
catches or opens (`PoolBusy`, `RunStore`, `StoreError`) come from there too. The Streamlit
pieces that several pages share are in `app_pages/widgets.py`.
"""
