"""Windows and the pages inside them."""
