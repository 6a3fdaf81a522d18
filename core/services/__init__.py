"""Services every plugin needs: settings, sequences, scheduled jobs, attachments."""
