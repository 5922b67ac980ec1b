"""Statistical studies: the evidence the docs quote, kept out of the unit suite.

A study asks one question of the model with many runs (claims at three horizons,
crowding-out in every scenario, eight-year bounds, how settled week 0 is). `make studies`
runs them through the shared experiment runner and stores each result, with the model's
fingerprint, in `experiments/studies/results/`; the generated tables of the docs are
written from those stored results. `make test` stays fast: it checks that every stored
result is current (same fingerprint, same study code), that the docs show exactly what the
stored results say, and that the guards on the model's rules still hold in them.

A study module defines NAME, QUESTION, READS (measures it loads), specs() (experiment
specs as dicts), summarise(runs) -> result, render(result) -> {(doc, block): markdown} and
check(result) -> failures of its guards. The list of studies is in registry.py, not here:
importing one study's stored result (the demo's answers, the parameter tables' fit notes)
must not import every study and the network libraries some of them load.
"""

