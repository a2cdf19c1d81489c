"""Importing department files: from a file to a plan (``files``), reading a row (``rows``), each
kind's plan and apply (``assets``, ``records``), the batch around the writes and undoing it
(``batch_writer``, ``batches``) and remembered column mappings (``mapping_profiles``).

Cell values are parsed in ``isms.io.importing`` (fields, values, vocabularies)."""
