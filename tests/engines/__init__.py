"""Other SPARQL engines the tests and the benchmarks start for real: each module starts one and stops it."""
