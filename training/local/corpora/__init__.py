"""Readers of public speech translation corpora (MuST-C, CoVoST 2, Europarl-ST) in their
released layouts, and the segment cutter that turns any of them into this recipe's manifests
(local/prepare_corpus.py, prepare_corpus.sh)."""
