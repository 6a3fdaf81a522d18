"""The resources plugin's work, callable without a request: availability, booking, allocation."""
