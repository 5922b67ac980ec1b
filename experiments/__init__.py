"""Many runs of the model: specs, designs, executors, the run store, statistics, figures.

Imports `model`, never the reverse. Entry points: `experiments.spec.load` (a TOML spec),
`experiments.runner.run_experiment` (run or continue it), `experiments.report.build`
(tables, figures and report.md from a folder).
"""
