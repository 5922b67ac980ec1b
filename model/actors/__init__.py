"""The article's actors beyond the foundation, each installing itself into a model.

`install(model)` may replace a stage of `model.service_handlers`, append to
`model.submodels` (objects with optional `prepare(now)`, `act(now)`, `switch_on(name)`),
append issue sources to `model.issue_sources`, and schedule recurring events. Importing an
actor module registers its measures (model.measures.measure) and scenarios.
"""

from model.actors import buildings, enterprises, organizations, party

INSTALLERS = (party.install, buildings.install, organizations.install, enterprises.install)
