"""Search: policy search (NSGA-II) for the Pareto front of objectives under constraints,
judged on fresh seeds."""
