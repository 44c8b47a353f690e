"""Evaluation: run QA files through the pipeline and compute metrics from the results."""
