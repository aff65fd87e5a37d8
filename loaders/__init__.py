"""Loaders: read indicator files in the layouts analysts receive, validate, normalise to tidy rows.

Loaders never compute rates or RAG: they record what the file says.
"""
