"""The tables of agency-models, one module per aggregate."""
