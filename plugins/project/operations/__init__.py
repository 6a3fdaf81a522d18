"""The project plugin's work, callable without a request: each function takes the session."""
