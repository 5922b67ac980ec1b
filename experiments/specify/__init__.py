"""Specify: what an experiment is (spec files, checked), which runs it is made of (designs,
seeds), and what a run's outcome is. Imports the model's registries, nothing that runs."""
