"""Benchmarks of agency-models against the raw driver, measured in the same run:
``python -m benchmarks`` (``--quick`` for smaller sizes). Not part of the test suite."""
