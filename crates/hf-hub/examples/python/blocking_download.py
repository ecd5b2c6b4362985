# The Python client's way to do what ../blocking_download.rs (Python is synchronous already) does; the statements between
# `# task` and `# end task` are counted against the Rust example's.
import sys

from huggingface_hub import hf_hub_download

repo, file = sys.argv[1:3]
# task
path = hf_hub_download(repo, file)
# end task
print(path)
