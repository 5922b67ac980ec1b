"""Many runs of the model, in stages that import one way (specify <- running <- analyse;
calibration and search use them):

- specify/: spec files checked before anything runs, designs and seeds, the outcome;
- running/: executors, the run store, provenance, job arrays;
- analyse/: statistics, metamodels, scenario discovery, figures, report.md;
- calibration/: ABC-SMC fits to published figures;
- search/: NSGA-II policy search.

`experiment.py` joins specify, running and analyse into one experiment; `rerun.py`
reproduces one from its folder. Imports `model`, never the reverse.
"""
