"""The article's actors, one home each; the composition root (governance/) lists them.

Each home exports one declaration, `ACTOR` (model/actor.py): its parameters, mechanisms,
measures, pathways, the actors it needs and how to install it. Small actors are one module
(government, committee, grid_worker); bigger ones a small package (party, buildings,
organizations, enterprises) whose `__init__` holds the declaration and the rule's summary.
Actors import only the core (model/), never one another: what one needs of another is a
small Protocol in its own home, and the composition root hands it over.
"""
