"""The teaching demo: the community in the browser, live (`python run.py demo`).

Pure-Python parts (config, classroom, drawing, charts, texts) import no Solara, so they are
testable and fast; `demo.app` holds the Solara page.
"""
