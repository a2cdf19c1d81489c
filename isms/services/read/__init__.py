"""The read side shared by the CLI and the window: the large registers ids-first (``queries``),
the smaller lists (``lists``), the dashboard's figures (``dashboard``), search (``search``), and
one risk or asset in full (``risk_record``, ``asset_record``)."""
