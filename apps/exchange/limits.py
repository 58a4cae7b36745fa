"""What one import may hold: checked on upload and stated in the template's instructions."""

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Columns read from the first sheet: the widest export has about 25; a header row wider than
# this is refused, and cells right of the last header are never read.
MAX_COLUMNS = 100
