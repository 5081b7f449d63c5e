"""Dashboard figures: periods, percentiles and the province polygons (no Flask here)."""
