"""The CRM's work, callable without a request: every function takes the session first."""
