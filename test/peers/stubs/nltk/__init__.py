# Stand-in for nltk: the Label Studio SDK converter imports its tokenizer at module load, for
# exports (CoNLL) these checks do not run.
