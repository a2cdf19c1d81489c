"""The read side shared by the CLI and the window: the large registers ids-first (``queries``),
the smaller lists (``lists``), the dashboard's figures (``dashboard``) and search (``search``)."""
