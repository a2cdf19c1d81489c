"""The documents the register exports: every export by name (``exports``), the registers an
auditor samples (``registers``, ``asset_register``, ``risk_register``, ``register_common``) and
the audit pack (``audit_pack``, ``audit_pack_items``). The SoA document is ``services.soa``."""
