# The Python client's way to do what ../snapshot_with_patterns.rs does; the statements
# between `# task` and `# end task` are counted against the Rust example's.
import sys

from huggingface_hub import snapshot_download

repo, patterns = sys.argv[1], sys.argv[2:]
# task
folder = snapshot_download(repo, allow_patterns=patterns or None)
# end task
print(folder)
