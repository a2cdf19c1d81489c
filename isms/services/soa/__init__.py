"""The Statement of Applicability: its rows (``rows``), the document (``document``), pre-flight
checks (``checks``), approved versions (``versions``) and carrying an existing SoA spreadsheet
over to the 2022 controls (``carry_over``)."""
