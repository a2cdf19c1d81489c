"""Small reusable widgets: the risk heat map, level chips, inline message bars."""
