"""The knowledge base's build logic, as plain functions and small classes.

Nothing here imports MkDocs: `../knowledge_base.py` is the only module that
knows about MkDocs events. Keeping it that way means the logic can be tested
directly and moved to another site generator without a rewrite.
"""
