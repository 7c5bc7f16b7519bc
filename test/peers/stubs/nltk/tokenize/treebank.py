# Stand-in for nltk's tokenizer (see ../__init__.py): never called by the checks.
class TreebankWordTokenizer:
    def span_tokenize(self, text):
        raise NotImplementedError("nltk is not installed: CoNLL export is not checked")
