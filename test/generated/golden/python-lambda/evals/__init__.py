"""Evaluations of this agent: ``python -m evals [suite.yaml]`` (see evals/runner.py)."""
