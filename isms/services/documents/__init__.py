"""The documents the register exports: every export by name (``exports``), writing one
document to a file (``render``, shared by ``exports`` and the pack), the registers an auditor
samples (``registers``, ``asset_register``, ``risk_register``, ``register_common``) and the audit
pack (``audit_pack``, ``audit_pack_items``). The SoA document is ``services.soa``; the risk
method's content is ``services.method.method_document``; review minutes are
``services.reviews.minutes``."""
