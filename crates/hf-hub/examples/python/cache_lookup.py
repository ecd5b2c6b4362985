# The Python client's way to do what ../cache_lookup.rs does; the statements between
# `# task` and `# end task` are counted against the Rust example's.
import sys

from huggingface_hub import try_to_load_from_cache

repo, file = sys.argv[1:3]
revision = sys.argv[3] if len(sys.argv) > 3 else "main"
# task
found = try_to_load_from_cache(repo, file, revision=revision)
# end task
if not isinstance(found, str):
    sys.exit(f"{file} of {repo} at '{revision}' is not in the cache")
print(found)
