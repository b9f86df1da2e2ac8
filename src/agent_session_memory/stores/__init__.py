"""Storage backends: session stores (working memory, messages, events) and long-term stores."""
