"""Cognitive steps of a generative agent: observe, plan, react, converse, reflect, interview."""
