"""Minds of gentown: personas, memory, cognition, the narrator and the LLM gateway."""
