"""Committees' business: councils, people, committees and memberships, meetings and their
agendas, work programmes, and the services that defer, record outcomes and exemption.

Imports neither `actions` nor `tracker`: they listen to what it announces (signals).
"""
