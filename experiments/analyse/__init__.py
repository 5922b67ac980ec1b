"""Analyse: tables, statistics, figures and report.md from the runs stored in a folder;
each analysis checks that its inputs can answer before it answers."""
