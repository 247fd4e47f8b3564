"""The LLM boundary: the only place that talks to language models (through litellm)."""
