"""Small real data sets bundled with skrnn."""
