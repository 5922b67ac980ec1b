"""Calibration: fit free parameters to published figures by ABC-SMC (pyabc).

targets.py (figures and the statistics they map to), config.py (the TOML config),
simulate.py (one run -> statistics; the scaled distance), sampler.py (reproducible parallel
sampling), engine.py (the resumable loop), outputs.py and report.py (what is written).
"""
