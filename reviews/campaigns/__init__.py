"""Team annotation campaigns: assignments, agreement, adjudication, and the learning loop.

A Django app of its own (label ``campaigns``) inside ``reviews``: it uses ``policies`` and
``reviews``; neither uses it.
"""
