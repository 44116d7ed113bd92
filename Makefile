# The two commands of the README. Each one sets up what it needs first.
.PHONY: demo test

demo:  ## set up, then build the sample dossiers into output/
	@scripts/setup
	@.venv/bin/winback build

test:  ## set up, then run the whole test suite
	@scripts/setup --test
	@.venv/bin/python -m pytest -q -n 2
