"""A plugin whose import fails (a dependency it forgot to declare, a syntax slip...)."""
raise RuntimeError("boom while importing explodes")
