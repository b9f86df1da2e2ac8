"""The public clients and the transport seam they talk through."""
