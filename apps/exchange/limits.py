"""What one import may hold: checked on upload and stated in the template's instructions."""

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
