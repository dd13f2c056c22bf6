"""Records: the record types of the corpus and their vocabularies, defined once.

``models`` (Capture, Actor, Document, Event, Quote, Corpus), ``dates`` (EDTF strings and
their bounds), ``grades`` (the two Admiralty scales), ``versions`` (release version
numbers and their order), ``refs`` (which fields are references, derived from the models).
Nothing here imports from the stages above it.
"""
