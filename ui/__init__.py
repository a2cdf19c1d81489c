"""The isms window: a thin Qt layer over the ``isms`` services (which never import Qt)."""
