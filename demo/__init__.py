"""The classroom demo: the community in the browser, live (`python run.py demo`).

`server` is a small Starlette app; the page in `static/` paces the live loop. Sessions
(`session`), snapshots (`snapshot`), pictures (`mapimage`, `charts`, `export`), frames,
explanations, lessons and the seed runs (`seeds`, the only user of the experiments package)
are plain Python, testable without a browser.
"""
