"""Time and space of a town.

The Mesa model, clock, bodies, actions and their rules,
perception, frames, trajectories and checkpoints.
"""
