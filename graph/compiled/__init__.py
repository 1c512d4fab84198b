"""Compiled plans (docs/compiled-plans.md): a known document's read operation run as a few Core statements and a
function of their rows, instead of graphql-core's per-field executor, answering the executor's bytes."""
