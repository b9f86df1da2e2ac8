"""Framework adapters (LangChain, LlamaIndex): each an optional extra, imported lazily."""
